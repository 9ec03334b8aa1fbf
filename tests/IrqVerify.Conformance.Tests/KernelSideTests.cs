using IrqVerify.Conformance.Differential;
using IrqVerify.Model.Core;

namespace IrqVerify.Conformance.Tests;

/// <summary>The stand-ins around the kernel's C: WARN and BUG are counted, BUG returns instead of
/// crashing, per-CPU storage and the current CPU work.</summary>
public class KernelSideTests
{
    private static readonly MatrixGeometry X86 = new(2, 256, 32, 236);

    [Fact]
    public void OnlineComputesAvailableAndAllocPicksTheEmptiestCpu()
    {
        using var k = new KernelMatrixSide(KernelMatrix.Library, X86);
        k.Apply(new MatrixCall(MatrixCallKind.Online, Cpu: 0));
        k.Apply(new MatrixCall(MatrixCallKind.Online, Cpu: 1));
        var first = k.Apply(new MatrixCall(MatrixCallKind.Alloc, Mask: CpuMask.FirstN(2)));
        var second = k.Apply(new MatrixCall(MatrixCallKind.Alloc, Mask: CpuMask.FirstN(2)));
        Assert.Equal(new CallOutcome(32, 0, 0, 0, 0, 0), first);
        Assert.Equal(new CallOutcome(32, 1, 0, 0, 0, 0), second);
        var s = k.Snapshot();
        Assert.Equal(2u * 204 - 2, s.GlobalAvailable);
        Assert.Equal(203u, s.Cpus[1].Available);
        Assert.True(s.Cpus[1].AllocMap.Test(32));
    }

    [Fact]
    public void BugOnIsCountedAndReturns()
    {
        using var k = new KernelMatrixSide(KernelMatrix.Library, X86);
        k.Apply(new MatrixCall(MatrixCallKind.Online, Cpu: 1));
        var again = k.Apply(new MatrixCall(MatrixCallKind.Online, Cpu: 1));
        Assert.Equal(1, again.Bugs);
        Assert.Equal(1u, k.Snapshot().OnlineMaps); // BUG_ON(cm->online) stopped before online_maps++
    }

    [Fact]
    public void WarnOnIsCountedEveryTime()
    {
        using var k = new KernelMatrixSide(KernelMatrix.Library, X86);
        k.Apply(new MatrixCall(MatrixCallKind.Online, Cpu: 0));
        var free = new MatrixCall(MatrixCallKind.Free, Cpu: 0, Bit: 40);
        Assert.Equal(1, k.Apply(free).Warns);
        Assert.Equal(1, k.Apply(free).Warns);
        Assert.Equal(1, k.Apply(new MatrixCall(MatrixCallKind.Free, Cpu: 0, Bit: 240)).Warns);
    }

    [Fact]
    public void ReserveAtCapacityCountsThePrWarn()
    {
        using var k = new KernelMatrixSide(KernelMatrix.Library, new MatrixGeometry(1, 64, 0, 1));
        k.Apply(new MatrixCall(MatrixCallKind.Online, Cpu: 0));
        Assert.Equal(0, k.Apply(new MatrixCall(MatrixCallKind.Reserve)).PrWarns);
        Assert.Equal(1, k.Apply(new MatrixCall(MatrixCallKind.Reserve)).PrWarns);
        Assert.Equal(2, k.Apply(new MatrixCall(MatrixCallKind.QueryReserved)).Ret);
    }
}
