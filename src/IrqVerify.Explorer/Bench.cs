using System.Diagnostics;
using System.Globalization;
using IrqVerify.Model;

namespace IrqVerify.Explorer;

/// <summary>
/// Measurements (never asserted in tests): schedules per second on the Xen rebind scenario, the
/// exhaustive counts of every scenario on the reference model, and per race the schedules and time
/// to the first detection for each strategy (median over seeds; dfs is deterministic, run once).
/// </summary>
public static class Bench
{
    public static readonly string[] Randomized = ["random", "pct", "delay", "portfolio"];

    /// <summary>The scenario directory: the given path, else models/scenarios above the working directory.</summary>
    public static string? FindScenarios(string? given)
    {
        if (given is not null) return Directory.Exists(given) ? given : null;
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        {
            string p = Path.Combine(d.FullName, "models", "scenarios");
            if (Directory.Exists(p)) return p;
        }
        return null;
    }

    public static int Run(string? dir, int seeds, TimeSpan? perRun, TextWriter w)
    {
        string? root = FindScenarios(dir);
        if (root is null) throw new ModelInputException(dir ?? "models/scenarios", 0, 0, "scenario directory not found");
        var files = Directory.GetFiles(root, "*.scn").OrderBy(f => f, StringComparer.Ordinal).ToList();
        var budget = perRun ?? TimeSpan.FromSeconds(10);

        string rebind = files.FirstOrDefault(f => Path.GetFileName(f) == "xen-rebind-2l.scn") ?? files[0];
        var s0 = ScenarioParser.Load(rebind);
        w.WriteLine($"## Throughput: {Path.GetFileName(rebind)} (reference model, one core)");
        w.WriteLine();
        foreach (string strat in new[] { "random", "pct", "dfs" })
        {
            var r = Exploration.Run(s0, new Variants(), new ExploreOptions { Strategy = strat, Budget = TimeSpan.FromSeconds(2), Iterations = strat == "dfs" ? null : long.MaxValue, Minimize = false });
            w.WriteLine($"- {r.Strategy}: {r.Schedules} schedules in {r.Elapsed.TotalSeconds:F2}s = {r.SchedulesPerSecond:F0} schedules/s{(r.Exhausted ? " (exhausted)" : "")}");
        }
        w.WriteLine();

        w.WriteLine("## Exhaustive runs on the reference model (dfs, state caching, symmetry)");
        w.WriteLine();
        w.WriteLine("| scenario | preemption bound | states | schedules | cut at seen state | time | result |");
        w.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var f in files)
        {
            var s = ScenarioParser.Load(f);
            var r = Exploration.Run(s, new Variants(), new ExploreOptions { Strategy = "dfs", Budget = TimeSpan.FromSeconds(60), Minimize = false });
            string res = r.Ok ? (r.Exhausted ? "exhausted, clean" : "budget hit, clean") : "FAIL " + r.Found!.Summary;
            w.WriteLine($"| {s.Name} | {(s.PreemptionBound?.ToString(CultureInfo.InvariantCulture) ?? "none")} | {r.States} | {r.Schedules} | {r.Pruned} | {r.Elapsed.TotalSeconds:F2}s | {res} |");
        }
        w.WriteLine();

        w.WriteLine($"## Time to first detection (median over {seeds} seeds; budget {budget.TotalSeconds:F0}s per run)");
        w.WriteLine();
        w.WriteLine("| scenario | bug | " + string.Join(" | ", Randomized) + " | dfs |");
        w.WriteLine("|---|---|" + string.Concat(Enumerable.Repeat("---|", Randomized.Length + 1)));
        foreach (var f in files)
        {
            var s = ScenarioParser.Load(f);
            foreach (string bug in s.Bugs)
            {
                var v = new Variants();
                v.TryEnable(bug);
                var cells = new List<string>();
                foreach (string strat in Randomized)
                {
                    var its = new List<long>();
                    var ms = new List<double>();
                    int missed = 0;
                    for (int seed = 1; seed <= seeds; seed++)
                    {
                        var r = Exploration.Run(s, v, new ExploreOptions { Strategy = strat, Seed = (ulong)seed, Budget = budget, Iterations = long.MaxValue, Minimize = false });
                        if (r.Ok) { missed++; continue; }
                        its.Add(r.FoundAt);
                        ms.Add(r.TimeToFound.TotalMilliseconds);
                    }
                    cells.Add(its.Count == 0 ? "not found" : $"{Median(its.Select(x => (double)x).ToList()):F0} sched / {Median(ms):F1} ms" + (missed > 0 ? $" ({missed} missed)" : ""));
                }
                var d = Exploration.Run(s, v, new ExploreOptions { Strategy = "dfs", Budget = budget, Minimize = false });
                cells.Add(d.Ok ? (d.Exhausted ? "not found (exhausted)" : "not found") : $"{d.FoundAt} sched / {d.TimeToFound.TotalMilliseconds:F1} ms");
                w.WriteLine($"| {s.Name} | {bug} | " + string.Join(" | ", cells) + " |");
            }
        }
        return 0;
    }

    private static double Median(List<double> xs)
    {
        xs.Sort();
        int n = xs.Count;
        return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
    }
}
