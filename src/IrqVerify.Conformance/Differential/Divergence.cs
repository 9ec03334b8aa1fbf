namespace IrqVerify.Conformance.Differential;

/// <summary>The first call after which the kernel and the model disagree: their outcomes, or (outcomes
/// equal) their states. <see cref="Calls"/> is the sequence up to and including that call.</summary>
public sealed record Divergence(
    MatrixGeometry Geometry,
    IReadOnlyList<MatrixCall> Calls,
    CallOutcome KernelOutcome,
    CallOutcome ModelOutcome,
    MatrixSnapshot KernelState,
    MatrixSnapshot ModelState,
    IReadOnlyList<string> ModelDiagnostics)
{
    public int Index => Calls.Count - 1;
    public bool OutcomeDiffers => KernelOutcome != ModelOutcome;

    /// <summary>The differing fields, "field: kernel K, model M".</summary>
    public IEnumerable<string> Differences()
    {
        if (OutcomeDiffers) yield return $"outcome: kernel {KernelOutcome}; model {ModelOutcome}";
        foreach (var (f, k, m) in KernelState.Differences(ModelState)) yield return $"{f}: kernel {k}, model {m}";
    }
}
