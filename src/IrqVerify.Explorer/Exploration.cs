using System.Diagnostics;
using IrqVerify.Explorer.Strategies;
using IrqVerify.Model;

namespace IrqVerify.Explorer;

/// <summary>Options of one exploration.</summary>
public sealed class ExploreOptions
{
    /// <summary>random | pct | delay | portfolio | dfs.</summary>
    public string Strategy { get; init; } = "portfolio";
    public ulong Seed { get; init; } = 1;
    /// <summary>Schedules to run (null: until the budget or exhaustion).</summary>
    public long? Iterations { get; init; }
    /// <summary>Wall-clock budget (only for stopping; never for decisions).</summary>
    public TimeSpan? Budget { get; init; }
    /// <summary>PCT depth d (d−1 priority change points).</summary>
    public int Depth { get; init; } = 3;
    /// <summary>Delays of delay-bounding.</summary>
    public int Delays { get; init; } = 2;
    /// <summary>DFS preemption bound (null: the scenario's, else unbounded).</summary>
    public int? PreemptionBound { get; init; }
    public bool NoPreemptionBound { get; init; }
    public bool Cache { get; init; } = true;
    public bool Symmetry { get; init; } = true;
    /// <summary>Minimize the first failing schedule before reporting it.</summary>
    public bool Minimize { get; init; } = true;
    public int? StepBound { get; init; }
    /// <summary>Caller misuse and known upstream findings fail too (<c>--strict</c>).</summary>
    public bool Strict { get; init; }
    /// <summary>Called about every 100 ms with the running totals.</summary>
    public Action<ExploreProgress>? Progress { get; init; }

    public static readonly string[] StrategyNames = ["random", "pct", "delay", "portfolio", "dfs"];
}

public readonly record struct ExploreProgress(long Schedules, long Pruned, int States, TimeSpan Elapsed);

/// <summary>The outcome of an exploration.</summary>
public sealed class ExploreResult
{
    public required string Strategy { get; init; }
    public long Schedules { get; init; }
    public long Passed { get; init; }
    public long Pruned { get; init; }
    /// <summary>Distinct states (dfs with caching).</summary>
    public int States { get; init; }
    /// <summary>DFS finished: every schedule within the bound was run (a bounded proof when clean).</summary>
    public bool Exhausted { get; init; }
    public TimeSpan Elapsed { get; init; }
    /// <summary>First failure as found (null when clean).</summary>
    public Failure? Found { get; init; }
    /// <summary>1-based schedule that found it.</summary>
    public long FoundAt { get; init; }
    public TimeSpan TimeToFound { get; init; }
    /// <summary>The minimized failure (the one to report and write).</summary>
    public Failure? Minimized { get; init; }
    public bool Ok => Found is null;
    public double SchedulesPerSecond => Elapsed.TotalSeconds > 0 ? Schedules / Elapsed.TotalSeconds : 0;
}

/// <summary>Runs schedules of a scenario under a strategy until a failure, the budget, or exhaustion.</summary>
public static class Exploration
{
    public static IStrategy CreateStrategy(string name, ExploreOptions o, Scenario s)
    {
        ulong seed = o.Seed;
        return name switch
        {
            "random" => new RandomStrategy(seed),
            "pct" => new PctStrategy(seed, o.Depth),
            "delay" => new DelayBoundingStrategy(seed, o.Delays),
            "portfolio" => new PortfolioStrategy([
                new RandomStrategy(seed),
                new PctStrategy(seed * 31 + 1, o.Depth),
                new DelayBoundingStrategy(seed * 31 + 2, o.Delays),
                new PctStrategy(seed * 31 + 3, 2),
            ]),
            "dfs" => new DfsStrategy(o.NoPreemptionBound ? null : o.PreemptionBound ?? s.PreemptionBound, o.Cache, o.Symmetry),
            _ => throw new ModelInputException("--strategy", 0, 0, $"unknown strategy '{name}' (random, pct, delay, portfolio, dfs)"),
        };
    }

    public static ExploreResult Run(Scenario scenario, Variants variants, ExploreOptions o, IScenarioReset? reset = null)
    {
        var strategy = CreateStrategy(o.Strategy, o, scenario);
        var runner = new ScheduleRunner(scenario, variants, reset, o.StepBound) { Strict = o.Strict };
        var sw = Stopwatch.StartNew();
        long schedules = 0, passed = 0, pruned = 0;
        bool exhausted = false;
        long nextProgress = 100;
        Failure? found = null;
        long foundAt = 0;
        TimeSpan foundTime = default;
        long limit = o.Iterations ?? (o.Budget is null && o.Strategy != "dfs" ? 1000 : long.MaxValue);
        while (schedules < limit)
        {
            if (!strategy.NextIteration()) { exhausted = true; break; }
            var outcome = runner.Run(strategy);
            schedules++;
            if (outcome == Outcome.Pass) passed++;
            else if (outcome == Outcome.Pruned) pruned++;
            else
            {
                found = runner.LastFailure;
                foundAt = schedules;
                foundTime = sw.Elapsed;
                break;
            }
            if ((schedules & 255) == 0)
            {
                var el = sw.Elapsed;
                if (o.Budget is { } b && el >= b) break;
                if (o.Progress is not null && el.TotalMilliseconds >= nextProgress)
                {
                    nextProgress = (long)el.TotalMilliseconds + 100;
                    o.Progress(new ExploreProgress(schedules, pruned, States(strategy), el));
                }
            }
        }
        var elapsed = sw.Elapsed;
        Failure? min = found is not null && o.Minimize ? Minimizer.Minimize(runner, found) : found;
        return new ExploreResult
        {
            Strategy = strategy.Name,
            Schedules = schedules,
            Passed = passed,
            Pruned = pruned,
            States = States(strategy),
            Exhausted = exhausted && found is null,
            Elapsed = elapsed,
            Found = found,
            FoundAt = foundAt,
            TimeToFound = foundTime,
            Minimized = min,
        };
    }

    private static int States(IStrategy s) => s is DfsStrategy d ? d.States : 0;

    /// <summary>Runs one schedule forced by <paramref name="log"/> (tolerant replay).</summary>
    public static (Outcome Outcome, Failure? Failure, IReadOnlyList<LogEntry> Log) Replay(ScheduleRunner runner, IEnumerable<LogEntry> log)
    {
        var rs = new ReplayStrategy(log, runner.Scenario);
        rs.NextIteration();
        var outcome = runner.Run(rs);
        return (outcome, runner.LastFailure, runner.Log.ToArray());
    }
}
