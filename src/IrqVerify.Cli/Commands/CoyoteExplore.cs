using IrqVerify.Coyote;
using IrqVerify.Explorer;
using IrqVerify.Model;

namespace IrqVerify.Cli.Commands;

/// <summary>
/// irqverify explore SCENARIO --engine coyote: the scenario under Coyote's TestingEngine. Same report
/// as the native explorer (ids, minimized decision log, timeline, schedule file, replay line), plus
/// Coyote's reproducible trace; both are written under the output folder (--out, default irqverify-out/).
/// --coyote-trace FILE replays such a trace through Coyote's configuration instead of searching.
/// </summary>
public static class CoyoteExplore
{
    /// <summary>The native names of the strategies Coyote also has.</summary>
    public static string StrategyName(string s) => s switch
    {
        "pct" => "prioritization",
        "delay" => "delay-bounding",
        _ => s,
    };

    public static int Execute(string path, CoyoteOptions o, string[]? variantNames, string? outDir, TextWriter stdout, string? design = null)
    {
        if (!CoyoteOptions.StrategyNames.Contains(o.Strategy))
            throw new ModelInputException("--strategy", 0, 0, $"unknown Coyote strategy '{o.Strategy}' ({string.Join(", ", CoyoteOptions.StrategyNames)})");
        var s = ScenarioParser.Load(path);
        var v = Inputs.ParseVariants(variantNames, design);
        string mode = o.ReproducibleTrace is null ? $"strategy {o.Strategy}, seed {o.Seed}" : "replaying a Coyote trace";
        stdout.WriteLine($"irqverify explore {path} (engine coyote, {mode}, variant {v}, {s.Threads.Count} threads, step bound {s.StepBound})");
        if (ScenarioCheck.Setup(s, v) is { } problem) throw new ModelInputException(path, 0, 0, problem);
        var r = CoyoteExploration.Run(s, v, o);
        string rate = $"{r.SchedulesPerSecond:F0} schedules/s";
        if (r.Ok)
        {
            stdout.WriteLine($"OK: {r.Schedules} Coyote iterations, no violation ({r.Elapsed.TotalSeconds:F2}s, {rate}); not exhaustive");
            return ExitCodes.Clean;
        }
        var f = r.Minimized!;
        string dir = Path.GetFullPath(outDir ?? "irqverify-out");
        string stem = $"{s.Name}{string.Concat(v.Enabled().Select(n => "-" + n))}-coyote";
        if (r.BugReport is { } bug) stdout.WriteLine($"coyote: {bug}");
        ExploreCommand.PrintFailure(s, v, r.Found!, f, $"{r.FoundAt} Coyote iteration(s)", r.TimeToFound, dir, stem,
            $"coyote {r.Strategy} seed {o.Seed}, iteration {r.FoundAt}", stdout);
        string? trace = null;
        if (r.ReproducibleTrace is { Length: > 0 } t && o.ReproducibleTrace is null)
        {
            trace = Path.Combine(dir, stem + ".trace.json");
            File.WriteAllText(trace, t);
        }
        if (trace is not null)
        {
            stdout.WriteLine($"coyote trace written to {trace}");
            stdout.WriteLine($"coyote replay: irqverify explore {path} --engine coyote{Inputs.DesignFlag(v)}{string.Concat(v.Enabled().Select(n => " --variant " + n))} --coyote-trace {trace}");
        }
        return ExitCodes.Found;
    }
}
