using IrqVerify.Report;

namespace IrqVerify.Verify.Compare;

/// <summary>An invariant violated on one side only: the minimized counterexample and its replays.</summary>
public sealed record OneSided(string Phase, string Side, string OtherSide, FailureReport Report);

/// <summary>The same program ending differently on the two sides: the first differing operation
/// (result) or, when every result agrees, the first differing line of the final state.</summary>
public sealed record BehaviourDifference(string Phase, string Kind, int Line, string Operation, string Left, string Right,
    string Program, string ReplayLeft, string ReplayRight);

/// <summary>A capacity figure measured on both sides.</summary>
public sealed record CapacityRow(string Figure, string Left, string Right)
{
    public bool Differs => Left != Right;
}

/// <summary>The work one phase did on both sides.</summary>
public sealed record ComparePhase(string Name, long Runs, string Unit, TimeSpan Elapsed, int Findings, string Notes);

/// <summary>Everything `irqverify compare` found.</summary>
public sealed class CompareResult
{
    public required string Left { get; init; }
    public required string Right { get; init; }
    public required ulong Seed { get; init; }
    public List<ComparePhase> Phases { get; } = new();
    public List<OneSided> OneSided { get; } = new();
    public List<BehaviourDifference> Differences { get; } = new();
    public List<CapacityRow> Capacity { get; } = new();
    /// <summary>The line that re-runs exactly this work.</summary>
    public string Rerun { get; set; } = "";
    public TimeSpan Elapsed { get; set; }

    public bool Differ => OneSided.Count > 0 || Differences.Count > 0 || Capacity.Any(c => c.Differs);
}
