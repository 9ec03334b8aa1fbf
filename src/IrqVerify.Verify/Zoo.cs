using System.Globalization;
using System.Text;
using System.Text.Json;
using IrqVerify.Explorer;
using IrqVerify.Model;
using IrqVerify.Model.Verdict;
using IrqVerify.Report;

namespace IrqVerify.Verify;

/// <summary>Options of the bug zoo.</summary>
public sealed class ZooOptions
{
    /// <summary>Engines to run: props, explore (alias native), fuzz, coyote.</summary>
    public IReadOnlyList<string> Engines { get; init; } = ZooRunner.EngineNames;
    public TimeSpan BudgetPerBug { get; init; } = TimeSpan.FromSeconds(10);
    public int Seeds { get; init; } = 5;
    /// <summary>Route each bug to the engines made for it: races (named by a scenario's `bugs:` line)
    /// to the explorer only, sequential bugs to fuzzing and properties only (the CI profile).</summary>
    public bool Route { get; init; }
    public IReadOnlyList<string>? Variants { get; init; }
    public string? ScenarioDir { get; init; }
    public Action<string>? Progress { get; init; }

    /// <summary>The CI profile: routed, one seed, small budgets (well under two minutes in total).</summary>
    public static ZooOptions Ci(string? scenarioDir = null) => new() { Route = true, Seeds = 1, BudgetPerBug = TimeSpan.FromSeconds(6), ScenarioDir = scenarioDir };
}

/// <summary>One engine against one variant over the seeds.</summary>
public sealed record ZooCell(string Engine, int Seeds, int Detected, double MedianMs, double MedianIterations, IReadOnlyList<string> Ids, string Unit)
{
    /// <summary>Wall time of the hunts over every seed (reporting only).</summary>
    public TimeSpan Elapsed { get; init; }
}

public sealed record ZooRow(string Variant, bool Race, IReadOnlyList<ZooCell> Cells)
{
    /// <summary>The known finding under which the reference model (Linux today) shows this bug, when
    /// upstream has it again: nothing to re-inject, so no engine hunts it differentially.</summary>
    public KnownFinding? Upstream { get; init; }
    public bool Detected => Upstream is not null || Cells.Any(c => c.Detected > 0);
    public IReadOnlyList<string> Ids => Cells.SelectMany(c => c.Ids).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToList();
}

/// <summary>
/// The bug zoo: each engine against each variant (K1..K15), detection always
/// differential (an id the variant produces that the reference model does not on the same input).
/// Races go to the scenarios whose `bugs:` line names them (dfs: deterministic, run once); fuzzing
/// and properties run once per seed.
/// </summary>
public static class ZooRunner
{
    public static readonly string[] EngineNames = [PropsEngine.Name, ExploreEngine.Name, FuzzEngine.Name];
    /// <summary>Engines that may be asked for (the default set plus Coyote's, and "native" for explore).</summary>
    public static readonly string[] KnownEngines = [PropsEngine.Name, ExploreEngine.Name, FuzzEngine.Name, CoyoteEngine.Name, "native"];

    /// <summary>The explorers (native and Coyote) hunt races on scenarios only.</summary>
    public static bool IsRaceEngine(string engine) => engine is ExploreEngine.Name or CoyoteEngine.Name;

    private static string Canonical(string engine) => engine == "native" ? ExploreEngine.Name : engine;

    public static IReadOnlySet<string> Races(string? scenarioDir) =>
        Repo.ScenarioFiles(scenarioDir).SelectMany(f => ScenarioParser.Load(f).Bugs).ToHashSet(StringComparer.Ordinal);

    public static List<ZooRow> Run(ZooOptions o)
    {
        foreach (var e in o.Engines)
            if (!KnownEngines.Contains(e)) throw new ModelInputException("--engines", 0, 0, $"unknown engine '{e}' (props, explore or native, fuzz, coyote)");
        var races = Races(o.ScenarioDir);
        var rows = new List<ZooRow>();
        foreach (var variant in o.Variants ?? Variants.Names.ToList())
        {
            if (!new Variants().TryEnable(variant)) throw new ModelInputException("--variant", 0, 0, $"unknown variant '{variant}'");
            bool race = races.Contains(variant);
            if (Variants.PresentUpstream(variant) is { } upstream)
            {
                o.Progress?.Invoke($"{variant}: present upstream as known finding {upstream.Id}, not hunted");
                rows.Add(new ZooRow(variant, race, []) { Upstream = upstream });
                continue;
            }
            var cells = new List<ZooCell>();
            foreach (var engine in o.Engines.Select(Canonical).Distinct())
            {
                if (o.Route && race != IsRaceEngine(engine)) continue;
                if (IsRaceEngine(engine) && !race) continue;
                int seeds = engine == ExploreEngine.Name ? 1 : o.Seeds;
                var found = new List<Detection>();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                for (int seed = 1; seed <= seeds; seed++)
                {
                    var d = engine switch
                    {
                        "explore" => ExploreEngine.Hunt(variant, o.BudgetPerBug, o.ScenarioDir, out _),
                        "fuzz" => FuzzEngine.Hunt(variant, (ulong)seed, o.BudgetPerBug),
                        CoyoteEngine.Name => CoyoteEngine.Hunt(variant, (ulong)seed, o.BudgetPerBug, o.ScenarioDir),
                        _ => PropsEngine.Hunt([variant], (ulong)seed, o.BudgetPerBug),
                    };
                    if (d is not null) found.Add(d);
                }
                string unit = engine switch { "explore" or CoyoteEngine.Name => "schedules", "fuzz" => "execs", _ => "programs" };
                var cell = new ZooCell(engine, seeds, found.Count,
                    found.Count == 0 ? 0 : Median(found.Select(d => d.Time.TotalMilliseconds)),
                    found.Count == 0 ? 0 : Median(found.Select(d => (double)d.Iterations)),
                    found.SelectMany(d => d.Ids).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToList(), unit) { Elapsed = clock.Elapsed };
                cells.Add(cell);
                o.Progress?.Invoke($"{variant}: {engine} {(cell.Detected > 0 ? $"found {string.Join(",", cell.Ids)} in {cell.Detected}/{seeds} seed(s)" : "missed")}");
            }
            // Only the explorers asked for and this variant is sequential: no engine applies, no row.
            if (cells.Count == 0 && o.Engines.All(e => IsRaceEngine(Canonical(e)))) continue;
            rows.Add(new ZooRow(variant, race, cells));
        }
        return rows;
    }

    private static double Median(IEnumerable<double> xs)
    {
        var l = xs.OrderBy(x => x).ToList();
        int n = l.Count;
        return n % 2 == 1 ? l[n / 2] : (l[n / 2 - 1] + l[n / 2]) / 2;
    }

    private static string Ms(double ms) => ms >= 1000 ? $"{ms / 1000:F2} s" : $"{ms:F1} ms";

    public static string Table(IReadOnlyList<ZooRow> rows)
    {
        var t = new List<string[]> { new[] { "variant", "kind", "detected by (seeds)", "median time to first detection", "median iterations", "invariants violated" } };
        foreach (var r in rows)
        {
            var hits = r.Cells.Where(c => c.Detected > 0).ToList();
            t.Add([
                r.Variant,
                r.Race ? "race" : "sequential",
                r.Upstream is { } u ? $"present upstream: reference shows {u.Id}" : hits.Count == 0 ? "NOT DETECTED" : string.Join(", ", hits.Select(c => $"{c.Engine} {c.Detected}/{c.Seeds}")),
                string.Join(", ", hits.Select(c => $"{c.Engine} {Ms(c.MedianMs)}")),
                string.Join(", ", hits.Select(c => $"{c.Engine} {c.MedianIterations.ToString("F0", CultureInfo.InvariantCulture)} {c.Unit}")),
                string.Join(", ", r.Ids),
            ]);
        }
        var sb = new StringBuilder(ReportText.Table(t));
        sb.Append($"detected: {rows.Count(r => r.Detected)}/{rows.Count}\n");
        return sb.ToString();
    }

    /// <summary>One column per engine (e.g. native beside coyote): median iterations / median wall time to
    /// the first detection, and the seeds that detected; "-" where the engine does not apply.</summary>
    public static string EngineTable(IReadOnlyList<ZooRow> rows)
    {
        var engines = rows.SelectMany(r => r.Cells.Select(c => c.Engine)).Distinct().ToList();
        var t = new List<string[]> { new[] { "variant", "kind" }.Concat(engines.Select(e => e == ExploreEngine.Name ? "native (explore)" : e)).ToArray() };
        foreach (var r in rows)
        {
            var line = new List<string> { r.Variant, r.Race ? "race" : "sequential" };
            foreach (var e in engines)
            {
                var c = r.Cells.FirstOrDefault(x => x.Engine == e);
                line.Add(c is null ? "-" : c.Detected == 0 ? $"missed (0/{c.Seeds})"
                    : $"{c.MedianIterations.ToString("F0", CultureInfo.InvariantCulture)} {c.Unit} / {Ms(c.MedianMs)} ({c.Detected}/{c.Seeds})");
            }
            t.Add(line.ToArray());
        }
        return ReportText.Table(t);
    }

    /// <summary>JUnit suites of a zoo run: one per engine, one case per known bug it applies to. A bug
    /// no engine detected fails in every engine that hunted it (the zoo's exit 1); a bug another engine
    /// detected passes with a note in the engines that missed it.</summary>
    public static List<JUnitSuite> JUnit(IReadOnlyList<ZooRow> rows, ZooOptions o)
    {
        var suites = new List<JUnitSuite>();
        foreach (var engine in rows.SelectMany(r => r.Cells.Select(c => c.Engine)).Distinct())
        {
            var suite = new JUnitSuite
            {
                Name = $"irqverify.zoo.{engine}",
                Time = rows.SelectMany(r => r.Cells).Where(c => c.Engine == engine).Aggregate(TimeSpan.Zero, (t, c) => t + c.Elapsed),
            };
            suite.Property("budget-per-bug-seconds", o.BudgetPerBug.TotalSeconds);
            suite.Property("seeds", o.Seeds);
            suite.Property("routed", o.Route);
            suite.Property("detected", rows.Count(r => r.Cells.Any(c => c.Engine == engine && c.Detected > 0)));
            foreach (var r in rows)
            {
                if (r.Cells.FirstOrDefault(c => c.Engine == engine) is not { } c) continue;
                var tc = new JUnitCase { ClassName = suite.Name, Name = $"{r.Variant} ({(r.Race ? "race" : "sequential")})", Time = c.Elapsed };
                string work = $"{c.Detected}/{c.Seeds} seed(s)";
                if (c.Detected > 0)
                    tc.Out.Add($"detected {string.Join(", ", c.Ids)} in {work}; median {c.MedianIterations.ToString("F0", CultureInfo.InvariantCulture)} {c.Unit}, {Ms(c.MedianMs)} to the first detection");
                else if (r.Detected)
                    tc.Out.Add($"missed in {work}; detected by {string.Join(", ", r.Cells.Where(x => x.Detected > 0).Select(x => x.Engine))}");
                else
                    tc.Failures.Add(new JUnitFailure("MISSED", $"{r.Variant} was not detected by any engine",
                        $"{r.Variant}: {engine} missed it in {work} with {o.BudgetPerBug.TotalSeconds:F1}s per seed; no other engine detected it.\n" +
                        $"replay: irqverify zoo --variant {r.Variant} --engines {engine} --budget-per-bug {o.BudgetPerBug.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s --seeds {o.Seeds}\n"));
                suite.Cases.Add(tc);
            }
            suites.Add(suite);
        }
        return suites;
    }

    public static string Json(IReadOnlyList<ZooRow> rows) =>
        JsonSerializer.Serialize(rows.Select(r => new { r.Variant, r.Race, r.Detected, Upstream = r.Upstream?.Id, r.Ids, r.Cells }), new JsonSerializerOptions { WriteIndented = true });
}
