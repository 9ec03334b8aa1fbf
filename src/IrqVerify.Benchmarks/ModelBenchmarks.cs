using BenchmarkDotNet.Attributes;
using IrqVerify.Model;
using IrqVerify.Model.Program;

namespace IrqVerify.Benchmarks;

/// <summary>BenchmarkDotNet view of <see cref="Scenarios"/> (one benchmark per hot operation).</summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private readonly Scenarios _s = new();

    [GlobalSetup]
    public void Setup() => _s.Setup();

    [Benchmark(Description = "matrix alloc+free")]
    public void MatrixAllocFree() => _s.MatrixAllocFree();

    [Benchmark(Description = "vector move+cleanup")]
    public void VectorMoveCleanup() => _s.VectorMoveCleanup();

    [Benchmark(Description = "MSI-X enable+disable (4)")]
    public void MsixEnableDisable4() => _s.MsixEnableDisable4();

    [Benchmark(Description = "Xen send+upcall")]
    public void XenSendUpcall() => _s.XenSendUpcall();

    [Benchmark(Description = "new Machine")]
    public Machine Construct() => _s.Construct();

    [Benchmark(Description = "Restore (boot snapshot)")]
    public void RestoreBoot() => _s.RestoreBoot();

    [Benchmark(Description = "Restore (busy snapshot)")]
    public void RestoreBusy() => _s.RestoreBusy();

    [Benchmark(Description = "Snapshot (into existing)")]
    public void SnapshotInto() => _s.SnapshotInto();

    [Benchmark(Description = "Snapshot (new)")]
    public MachineSnapshot SnapshotNew() => _s.SnapshotNew();

    [Benchmark(Description = "invariant round (idle)")]
    public void InvariantRoundIdle() => _s.InvariantRoundIdle();

    [Benchmark(Description = "invariant round (busy)")]
    public void InvariantRoundBusy() => _s.InvariantRoundBusy();

    [Benchmark(Description = "17-op program, all checks")]
    public RunReport Program17WithChecks() => _s.Program17WithChecks();

    [Benchmark(Description = "17-op program, no checks, Restore")]
    public RunReport Program17NoChecksRestore() => _s.Program17NoChecksRestore();

    [Benchmark(Description = "17-op program, no checks")]
    public RunReport Program17NoChecks() => _s.Program17NoChecks();
}
