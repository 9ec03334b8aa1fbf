namespace IrqVerify.Conformance.Differential;

/// <summary>One sequence compared: the calls run, what they hit, and the divergence if any.</summary>
public sealed record SequenceResult(MatrixGeometry Geometry, IReadOnlyList<MatrixCall> Calls, int Warns, int PrWarns, int ErrorReturns, bool EndedByBug, Divergence? Divergence);
