namespace IrqVerify.Conformance.Bench;

/// <summary>Ops/s of the same alloc/free sequence on the kernel's matrix.c and on the model, and
/// whether both produced the same results (the checksum over every returned bit and CPU).</summary>
public sealed record MatrixBenchResult(int Ops, double NativeOpsPerSecond, double ModelOpsPerSecond, bool ResultsAgree, string KernelVersion)
{
    /// <summary>How many times faster the kernel's C is than the model.</summary>
    public double Ratio => NativeOpsPerSecond / ModelOpsPerSecond;

    public override string ToString() =>
        $"matrix alloc/free, {Ops} ops: kernel matrix.c ({KernelVersion}) {NativeOpsPerSecond:N0} ops/s, model {ModelOpsPerSecond:N0} ops/s, " +
        $"native/model {Ratio:F1}x, results {(ResultsAgree ? "identical" : "DIFFER")}";
}
