using System.Diagnostics;
using IrqVerify.Coyote;
using IrqVerify.Explorer;
using IrqVerify.Model;

namespace IrqVerify.Verify;

/// <summary>
/// The scenarios under Coyote's TestingEngine (zoo engine "coyote"): Coyote's default portfolio, one
/// seed per run, judged like the native explorer (differential against the reference model forced
/// through the same decision log).
/// </summary>
public static class CoyoteEngine
{
    public const string Name = "coyote";

    /// <summary>Hunts a variant on the scenarios whose `bugs:` line names it; null when missed.</summary>
    public static Detection? Hunt(string variant, ulong seed, TimeSpan budget, string? scenarioDir)
    {
        var v = new Variants();
        v.TryEnable(variant);
        var sw = Stopwatch.StartNew();
        long schedules = 0;
        foreach (var file in Repo.ScenarioFiles(scenarioDir))
        {
            var s = ScenarioParser.Load(file);
            if (!s.Bugs.Contains(variant)) continue;
            var left = budget - sw.Elapsed;
            if (left <= TimeSpan.Zero) break;
            var start = sw.Elapsed;
            var r = CoyoteExploration.Run(s, v, new CoyoteOptions { Seed = seed, Budget = left, Minimize = false });
            if (r.Ok) { schedules += r.Schedules; continue; }
            var ids = ExploreEngine.Differential(s, r.Found!, v);
            if (ids.Count > 0) return new Detection(ids, schedules + r.FoundAt, start + r.TimeToFound, s.Name);
            schedules += r.Schedules;
        }
        return null;
    }
}
