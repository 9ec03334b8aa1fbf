using System.Diagnostics;
using IrqVerify.Explorer;
using IrqVerify.Model;

namespace IrqVerify.Coyote;

/// <summary>
/// <c>irqverify explore --bench --engine native,coyote</c>: both engines on the same scenarios in one
/// run (never asserted in tests). Schedules/s on xen-rebind-2l per engine and their ratio, then per
/// race the schedules and wall time to first detection, median over seeds, for the random strategy
/// and each engine's default portfolio.
/// </summary>
public static class EngineBench
{
    public static readonly string[] Strategies = ["random", "portfolio"];

    public static int Run(string? dir, IReadOnlyList<string> engines, int seeds, TimeSpan? perRun, TextWriter w)
    {
        string? root = Bench.FindScenarios(dir);
        if (root is null) throw new ModelInputException(dir ?? "models/scenarios", 0, 0, "scenario directory not found");
        var files = Directory.GetFiles(root, "*.scn").OrderBy(f => f, StringComparer.Ordinal).ToList();
        var budget = perRun ?? TimeSpan.FromSeconds(10);
        bool native = engines.Contains("native"), coyote = engines.Contains("coyote");

        string rebind = files.FirstOrDefault(f => Path.GetFileName(f) == "xen-rebind-2l.scn") ?? files[0];
        var s0 = ScenarioParser.Load(rebind);
        w.WriteLine($"## Throughput: {Path.GetFileName(rebind)} (reference model, random strategy, 2 s each)");
        w.WriteLine();
        double nativeRate = 0, coyoteRate = 0;
        // Warm both engines up (JIT, Coyote's first engine) so the 2 s measure the steady state.
        if (native) Exploration.Run(s0, new Variants(), new ExploreOptions { Strategy = "random", Iterations = 2000, Minimize = false });
        if (coyote) CoyoteExploration.Run(s0, new Variants(), new CoyoteOptions { Strategy = "random", Iterations = 50, Minimize = false });
        if (native)
        {
            var r = Exploration.Run(s0, new Variants(), new ExploreOptions { Strategy = "random", Budget = TimeSpan.FromSeconds(2), Iterations = long.MaxValue, Minimize = false });
            nativeRate = r.SchedulesPerSecond;
            w.WriteLine($"- native random: {r.Schedules} schedules in {r.Elapsed.TotalSeconds:F2}s = {nativeRate:F0} schedules/s");
        }
        if (coyote)
        {
            var r = CoyoteExploration.Run(s0, new Variants(), new CoyoteOptions { Strategy = "random", Budget = TimeSpan.FromSeconds(2), Minimize = false });
            coyoteRate = r.SchedulesPerSecond;
            w.WriteLine($"- coyote random: {r.Schedules} schedules in {r.Elapsed.TotalSeconds:F2}s = {coyoteRate:F0} schedules/s (an OS thread per operation beyond the first)");
        }
        if (native && coyote && coyoteRate > 0) w.WriteLine($"- ratio native/coyote: {nativeRate / coyoteRate:F0}x");
        w.WriteLine();

        var columns = new List<(string Engine, string Strategy)>();
        foreach (var st in Strategies)
        {
            if (native) columns.Add(("native", st));
            if (coyote) columns.Add(("coyote", st));
        }
        w.WriteLine($"## Time to first detection (median over {seeds} seeds: schedules / wall time; budget {budget.TotalSeconds:F0}s per run)");
        w.WriteLine();
        w.WriteLine("| scenario | bug | " + string.Join(" | ", columns.Select(c => $"{c.Engine} {c.Strategy}")) + " |");
        w.WriteLine("|---|---|" + string.Concat(Enumerable.Repeat("---|", columns.Count)));
        foreach (var f in files)
        {
            var s = ScenarioParser.Load(f);
            foreach (string bug in s.Bugs)
            {
                var v = new Variants();
                v.TryEnable(bug);
                var cells = new List<string>();
                foreach (var (engine, strategy) in columns)
                {
                    var its = new List<double>();
                    var ms = new List<double>();
                    int missed = 0;
                    for (int seed = 1; seed <= seeds; seed++)
                    {
                        var (found, at, time) = Hunt(engine, strategy, s, v, (ulong)seed, budget);
                        if (!found) { missed++; continue; }
                        its.Add(at);
                        ms.Add(time.TotalMilliseconds);
                    }
                    cells.Add(its.Count == 0 ? "not found" : $"{Median(its):F0} / {Ms(Median(ms))}" + (missed > 0 ? $" ({missed} missed)" : ""));
                }
                w.WriteLine($"| {s.Name} | {bug} | " + string.Join(" | ", cells) + " |");
            }
        }
        return 0;
    }

    /// <summary>One run to the first failure: found, schedules, wall time.</summary>
    public static (bool Found, long At, TimeSpan Time) Hunt(string engine, string strategy, Scenario s, Variants v, ulong seed, TimeSpan budget)
    {
        if (engine == "coyote")
        {
            var c = CoyoteExploration.Run(s, v, new CoyoteOptions { Strategy = strategy, Seed = seed, Budget = budget, Minimize = false });
            return (!c.Ok, c.FoundAt, c.TimeToFound);
        }
        var r = Exploration.Run(s, v, new ExploreOptions { Strategy = strategy, Seed = seed, Budget = budget, Iterations = long.MaxValue, Minimize = false });
        return (!r.Ok, r.FoundAt, r.TimeToFound);
    }

    private static string Ms(double ms) => ms >= 1000 ? $"{ms / 1000:F2} s" : $"{ms:F1} ms";

    private static double Median(List<double> xs)
    {
        xs.Sort();
        int n = xs.Count;
        return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
    }
}
