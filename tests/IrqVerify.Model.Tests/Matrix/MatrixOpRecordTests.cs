using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;
using static IrqVerify.Model.Tests.Matrix.MatrixKit;

namespace IrqVerify.Model.Tests.Matrix;

/// <summary>The operation record is filled cheaply and fingerprinted only on demand; without it the
/// allocator computes the same results.</summary>
public class MatrixOpRecordTests
{
    [Fact]
    public void Fingerprint_before_is_the_fingerprint_of_the_state_the_operation_saw()
    {
        var m = X86();
        m.AllocOn(1);
        ulong entry = m.Fingerprint(CpuMask.Of(0, 1), false);
        Assert.Equal(Errno.Ok, m.Alloc(CpuMask.Of(0, 1), false, out int cpu, out _));
        Assert.Equal(0, cpu);
        Assert.NotEqual(entry, m.Fingerprint(CpuMask.Of(0, 1), false));
        Assert.Equal(entry, m.LastOp.FingerprintBefore);

        ulong loose = m.Fingerprint(CpuMask.Of(2), true);
        m.RemoveManaged(CpuMask.Of(2));                                 // WARNs: no reservation
        Assert.Equal(m.Fingerprint(CpuMask.Of(2), false), m.LastOp.FingerprintBefore);
        Assert.NotEqual(loose, m.LastOp.FingerprintBefore);
    }

    [Fact]
    public void Without_recording_the_same_operations_give_the_same_state_and_the_record_is_stale()
    {
        var a = X86();
        var b = X86();
        b.RecordOperations = false;
        long opsBefore = b.OpCount;
        foreach (var x in new[] { a, b })
        {
            Assert.Equal(Errno.Ok, x.ReserveManaged(CpuMask.Of(0, 1)));
            Assert.Equal(Errno.Ok, x.AllocManaged(CpuMask.Of(0, 1), out _, out _));
            Assert.Equal(Errno.Ok, x.Alloc(CpuMask.Of(1, 2), false, out int cpu, out int bit));
            x.Free(cpu, bit, false);
            x.Free(cpu, bit, false);                                    // WARN: not allocated
        }
        Assert.Equal(a.Fingerprint(false), b.Fingerprint(false));
        Assert.Equal(a.OpCount, b.OpCount);
        Assert.Equal(opsBefore + 5, b.OpCount);
        Assert.NotEqual(b.OpCount, b.LastOp.Index);
        Assert.Equal(MatrixOpKind.Free, a.LastOp.Kind);
        Assert.True(a.LastOp.Rejected);
        Assert.Empty(MatrixInvariants.CheckAll(a));
    }
}
