using System.Diagnostics;
using IrqVerify.Report;

namespace IrqVerify.Verify;

/// <summary>
/// `irqverify verify`: the property programs, every exploration scenario and a fuzz burst against the
/// reference model (or the chosen variants), sharing one budget; failures deduplicated across engines
/// by their invariant id set (the first engine to find a set reports it).
/// </summary>
public static class Verifier
{
    public static VerifyReport Run(VerifyOptions o)
    {
        o.MakeVariants();   // bad variant names are bad input before anything runs
        Repo.ScenarioFiles(o.ScenarioDir);
        var sw = Stopwatch.StartNew();
        int total = o.Split.Props + o.Split.Explore + o.Split.Fuzz;
        TimeSpan Share(int pct) => o.Budget * pct / total;
        var runs = new List<EngineRun>
        {
            PropsEngine.Run(o, Share(o.Split.Props), o.Progress),
            ExploreEngine.Run(o, Share(o.Split.Explore), o.Progress),
            FuzzEngine.Run(o, Share(o.Split.Fuzz), o.Progress),
        };
        var rerun = "irqverify verify --seed " + o.Seed + " " + string.Join(" ", runs.Select(r => r.Rerun)) + Ids.DesignFlag(o.DesignArg) + Ids.VariantFlags(o.Variants)
                    + (o.MachinePath is null ? "" : " --machine " + o.MachinePath) + o.FailOn.Flags;
        var report = new VerifyReport
        {
            Rerun = rerun,
            Title = $"irqverify verify ({o.VariantLabel})",
            Variant = o.VariantLabel,
            Machine = o.MachinePath ?? (o.Machine?.Name ?? "generated machines (props), scenario machines (explore), fuzz-small (fuzz)"),
            Seed = o.Seed,
            Budget = o.Budget,
            Elapsed = sw.Elapsed,
            Policy = o.FailOn,
        };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in runs)
        {
            report.Engines.Add(r.Summary);
            report.Cases.AddRange(r.Cases);
            foreach (var f in r.Failures)
                if (seen.Add(Ids.Key(f.Invariants))) report.Failures.Add(f);
        }
        return report;
    }
}
