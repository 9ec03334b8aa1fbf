namespace IrqVerify.Coyote;

/// <summary>Options of one exploration under Coyote's TestingEngine.</summary>
public sealed class CoyoteOptions
{
    /// <summary>random | prioritization | probabilistic | delay-bounding | qlearning | portfolio (Coyote's
    /// default). Coyote 1.7.11 keeps its DFS strategy internal, so exhaustive search stays native.</summary>
    public string Strategy { get; init; } = "portfolio";
    /// <summary>Seed of Coyote's random generator (Coyote takes 32 bits).</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Test iterations (schedules); default 1000 when no budget is given.</summary>
    public long? Iterations { get; init; }
    /// <summary>Wall-clock budget: Coyote's testing timeout, whole seconds (rounded up).</summary>
    public TimeSpan? Budget { get; init; }
    /// <summary>Priority change points of prioritization.</summary>
    public int Depth { get; init; } = 3;
    /// <summary>Delays of delay-bounding.</summary>
    public int Delays { get; init; } = 2;
    /// <summary>Probability level N (each decision deviates with probability 0.5^N) of probabilistic.</summary>
    public int ProbabilityLevel { get; init; } = 3;
    /// <summary>A Coyote reproducible trace to replay (one iteration) instead of searching.</summary>
    public string? ReproducibleTrace { get; init; }
    /// <summary>Minimize the first failing schedule (native minimizer) before reporting it.</summary>
    public bool Minimize { get; init; } = true;
    public int? StepBound { get; init; }
    /// <summary>Caller misuse and known upstream findings fail too (<c>--strict</c>).</summary>
    public bool Strict { get; init; }

    public static readonly string[] StrategyNames = ["random", "prioritization", "probabilistic", "delay-bounding", "qlearning", "portfolio"];
}
