using IrqVerify.Model;

namespace IrqVerify.Explorer;

/// <summary>What a replay produced: outcome, failure, the executed log and the timeline.</summary>
public sealed record ReplayResult(Outcome Outcome, Failure? Failure, IReadOnlyList<LogEntry> Log, Timeline Timeline, int Divergences, string FinalState);

/// <summary>Replays a decision log on a scenario and records the per-CPU timeline.</summary>
public static class Replayer
{
    public static ReplayResult Run(Scenario s, Variants v, IReadOnlyList<LogEntry> log, int? stepBound = null, bool strict = false)
    {
        var runner = new ScheduleRunner(s, v, null, stepBound) { Strict = strict };
        var timeline = new Timeline(s);
        timeline.Attach(runner);
        var rs = new Strategies.ReplayStrategy(log, s);
        rs.NextIteration();
        var outcome = runner.Run(rs);
        return new ReplayResult(outcome, runner.LastFailure, runner.Log.ToArray(), timeline, rs.Divergences, runner.Machine.DumpText());
    }

    /// <summary>Loads a schedule file with its scenario and variants (ModelInputException on bad input).</summary>
    public static (ScheduleFile File, Scenario Scenario, Variants Variants) Load(string path)
    {
        var f = ScheduleFile.Load(path);
        var s = ScenarioParser.Load(f.ScenarioPath);
        var v = new Variants();
        foreach (var n in f.Variants)
            if (!v.TryEnable(n)) throw new ModelInputException(path, 3, 11, $"unknown variant '{n}'");
        return (f, s, v);
    }
}
