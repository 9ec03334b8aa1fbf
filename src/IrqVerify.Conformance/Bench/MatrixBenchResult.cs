namespace IrqVerify.Conformance.Bench;

/// <summary>Ops/s of the same alloc/free sequence on the kernel's matrix.c and on the model (the
/// allocator alone, and with the operation record the checks I-M10..I-M16 read), and whether every
/// side produced the same results (the checksum over every returned bit and CPU).</summary>
public sealed record MatrixBenchResult(int Ops, double NativeOpsPerSecond, double ModelOpsPerSecond, bool ResultsAgree, string KernelVersion,
    double ModelRecordingOpsPerSecond)
{
    /// <summary>How many times faster the kernel's C is than the model's allocator.</summary>
    public double Ratio => NativeOpsPerSecond / ModelOpsPerSecond;

    /// <summary>The same with the operation record on (what a checked run pays).</summary>
    public double RecordingRatio => NativeOpsPerSecond / ModelRecordingOpsPerSecond;

    public override string ToString() =>
        $"matrix alloc/free, {Ops} ops: kernel matrix.c ({KernelVersion}) {NativeOpsPerSecond:N0} ops/s, model {ModelOpsPerSecond:N0} ops/s, " +
        $"native/model {Ratio:F1}x; with the operation record (checked runs) {ModelRecordingOpsPerSecond:N0} ops/s, {RecordingRatio:F1}x; " +
        $"results {(ResultsAgree ? "identical" : "DIFFER")}";
}
