using System.Diagnostics;
using IrqVerify.Explorer;
using IrqVerify.Model;
using Microsoft.Coyote;
using Microsoft.Coyote.Logging;
using Microsoft.Coyote.SystematicTesting;

namespace IrqVerify.Coyote;

/// <summary>The outcome of an exploration under Coyote.</summary>
public sealed class CoyoteResult
{
    /// <summary>Coyote's name of the strategy (e.g. "prioritization", "portfolio").</summary>
    public required string Strategy { get; init; }
    public long Schedules { get; init; }
    public TimeSpan Elapsed { get; init; }
    /// <summary>The first failure as Coyote found it (decisions recorded while it ran), null when clean.</summary>
    public Failure? Found { get; init; }
    public long FoundAt { get; init; }
    public TimeSpan TimeToFound { get; init; }
    /// <summary>The native minimizer's result (the one to report and write).</summary>
    public Failure? Minimized { get; init; }
    /// <summary>Coyote's own reproducible trace of the failing iteration (JSON), null when clean.</summary>
    public string? ReproducibleTrace { get; init; }
    /// <summary>Coyote's bug report text.</summary>
    public string? BugReport { get; init; }
    public bool Ok => Found is null;
    public double SchedulesPerSecond => Elapsed.TotalSeconds > 0 ? Schedules / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Runs a scenario under Coyote's <see cref="TestingEngine"/> (see <see cref="ScenarioTest"/>) with
/// the native checks; a failure comes back as an ordinary <see cref="Failure"/> (its decision log
/// replays with <c>irqverify replay</c>) together with Coyote's reproducible trace.
/// </summary>
public static class CoyoteExploration
{
    static CoyoteExploration()
    {
        // Coyote's CLI and engine report usage telemetry unless opted out; never from this suite.
        Environment.SetEnvironmentVariable("COYOTE_CLI_TELEMETRY_OPT_OUT", "1");
    }

    public static Configuration Configure(CoyoteOptions o, int stepBound)
    {
        if (!CoyoteOptions.StrategyNames.Contains(o.Strategy))
            throw new ModelInputException("--strategy", 0, 0, $"unknown Coyote strategy '{o.Strategy}' ({string.Join(", ", CoyoteOptions.StrategyNames)})");
        var c = Configuration.Create()
            .WithTelemetryEnabled(false)
            .WithConsoleLoggingEnabled(false)
            .WithRandomGeneratorSeed(unchecked((uint)(o.Seed ^ (o.Seed >> 32))))
            // Coyote counts a step at every scheduling point, pause and choice: well above the
            // scenario's bound, so the scenario's own LIVENESS check is the one that fires.
            .WithMaxSchedulingSteps((uint)Math.Max(1000, stepBound * 20))
            // The periodic "potential deadlock" probe fires when no step happens for this long; on a
            // loaded CI host a thread handoff can stall for a second. Real deadlocks are the native
            // runner's DEADLOCK (and Coyote's synchronous all-paused check), so this is only a hang guard.
            .WithDeadlockTimeout(30_000);
        c = o.Strategy switch
        {
            "random" => c.WithRandomStrategy(),
            "prioritization" => c.WithPrioritizationStrategy(false, (uint)Math.Max(0, o.Depth)),
            "probabilistic" => c.WithProbabilisticStrategy((uint)Math.Max(1, o.ProbabilityLevel)),
            "delay-bounding" => c.WithDelayBoundingStrategy(false, (uint)Math.Max(0, o.Delays)),
            "qlearning" => c.WithQLearningStrategy(),
            // Coyote's default exploration is its fair portfolio of strategies.
            _ => c,
        };
        if (o.ReproducibleTrace is { } trace) return c.WithReproducibleTrace(trace).WithTestingIterations(1);
        if (o.Budget is { } b)
        {
            c = c.WithTestingTimeout((int)Math.Ceiling(b.TotalSeconds));
            if (o.Iterations is { } n) c = c.WithTestingIterations((uint)Math.Min(n, uint.MaxValue));
            else c = c.WithTestingIterations(uint.MaxValue);
            return c;
        }
        return c.WithTestingIterations((uint)Math.Min(o.Iterations ?? 1000, uint.MaxValue));
    }

    public static CoyoteResult Run(Scenario scenario, Variants variants, CoyoteOptions o)
    {
        var runner = new ScheduleRunner(scenario, variants, null, o.StepBound) { Strict = o.Strict };
        var cfg = Configure(o, o.StepBound ?? scenario.StepBound);
        var sw = Stopwatch.StartNew();
        TimeSpan foundTime = default;
        var test = new ScenarioTest(runner) { OnFound = () => foundTime = sw.Elapsed };
        using var engine = TestingEngine.Create(cfg, test.Run);
        engine.SetLogger(new TextWriterLogger(TextWriter.Null, VerbosityLevel.None));
        engine.Run();
        var elapsed = sw.Elapsed;
        if (test.Crash is { } crash) throw new InvalidOperationException($"the model threw under Coyote: {crash.Message}", crash);
        var found = test.Found;
        var report = engine.TestReport;
        if (found is null && report.NumOfFoundBugs > 0)
            throw new InvalidOperationException("Coyote reported a bug the checks did not: " + string.Join("; ", report.BugReports));
        Failure? min = found;
        if (found is not null && o.Minimize)
            min = Minimizer.Minimize(new ScheduleRunner(scenario, variants, null, o.StepBound) { Strict = o.Strict }, found);
        return new CoyoteResult
        {
            Strategy = o.ReproducibleTrace is null ? o.Strategy : "replay of a Coyote trace",
            Schedules = test.Iterations,
            Elapsed = elapsed,
            Found = found,
            FoundAt = test.FoundAt,
            TimeToFound = foundTime,
            Minimized = min,
            ReproducibleTrace = found is null ? null : engine.ReproducibleTrace,
            BugReport = report.BugReports.FirstOrDefault(),
        };
    }
}
