using IrqVerify.Model.Designs;

namespace IrqVerify.Verify.Compare;

/// <summary>What `irqverify compare` runs: two designs, the work both sides share, where files go.</summary>
public sealed class CompareOptions
{
    public required Design Design { get; init; }
    /// <summary>The other side (Linux unless --against).</summary>
    public Design Against { get; init; } = Design.Linux;
    public ulong Seed { get; init; } = 1;
    /// <summary>Count budget: generated programs, fuzz inputs, and schedules per exploration scenario,
    /// each run on both sides (deterministic in any process). Null with <see cref="Time"/>.</summary>
    public long? Count { get; init; } = 300;
    /// <summary>Wall-clock budget instead of a count: shared evenly by the three phases.</summary>
    public TimeSpan? Time { get; init; }
    /// <summary>Counterexample files (programs, machines, schedules).</summary>
    public string OutDir { get; init; } = Path.Combine("irqverify-out", "compare");
    /// <summary>The scenario directory (null: models/scenarios above the working directory).</summary>
    public string? ScenarioDir { get; init; }
    /// <summary>Caller misuse and known upstream findings count too.</summary>
    public bool Strict { get; init; }
    /// <summary>Behavioural differences reported at most (each minimized), first found first.</summary>
    public int MaxDifferences { get; init; } = 4;
}
