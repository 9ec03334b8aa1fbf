using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;
using static IrqVerify.Model.Tests.Matrix.MatrixKit;

namespace IrqVerify.Model.Tests.Matrix;

/// <summary>irq_matrix_debug_show format and the real-data sanity check of spec §1.4.</summary>
public class MatrixDumpTests
{
    [Fact]
    public void Dump_prints_the_debugfs_header_and_one_row_per_online_cpu()
    {
        var m = Tiny(2);
        m.AllocOn(0);
        m.AllocOn(0);
        m.Offline(1);
        Assert.Equal(
            "Online bitmaps:        1\n" +
            "Global available:      2\n" +
            "Global reserved:       0\n" +
            "Total allocated:       2\n" +
            "System: 0: \n" +
            " | CPU | avl | man | mac | act | vectors\n" +
            "     0     2     0     0    2  32-33\n",
            m.DumpText());
    }

    /// <summary>
    /// Dongli Zhang's v6.9 debugfs dump (LKML, May 2024, 12 vCPUs): window [32, 236), system bits
    /// {50, 128} inside it → 202 slots per CPU. Rebuilt: every CPU holds one managed reservation that
    /// is allocated; CPU0 has 3 non-managed vectors, CPU11 (leaking, K2) 83; the other ten CPUs are
    /// split so that the mail's totals hold (six at avl 199, four at avl 198).
    /// </summary>
    [Fact]
    public void Dongli_Zhang_dump_reproduces_cpu0_cpu11_and_the_global_counters()
    {
        var m = Booted(12, 32, 236, [50, 128]);
        Assert.Equal(202, m.Map(0).Available);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.FirstN(12)));
        for (int c = 0; c < 12; c++)
        {
            Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(c), out int cpu, out int bit));
            Assert.Equal((c, 32), (cpu, bit));
            int nonManaged = c switch { 0 => 3, 11 => 83, <= 6 => 2, _ => 3 };
            for (int i = 0; i < nonManaged; i++) m.AllocOn(c);
        }
        var cm0 = m.Map(0);
        Assert.Equal((198, 1, 1, 4), (cm0.Available, cm0.Managed, cm0.ManagedAllocated, cm0.Allocated));
        Assert.Equal(202 - cm0.Managed - (cm0.Allocated - cm0.ManagedAllocated), cm0.Available);
        var cm11 = m.Map(11);
        Assert.Equal((118, 1, 1, 84), (cm11.Available, cm11.Managed, cm11.ManagedAllocated, cm11.Allocated));
        Assert.Equal(202 - cm11.Managed - (cm11.Allocated - cm11.ManagedAllocated), cm11.Available);
        Assert.Equal(2302, m.GlobalAvailable);
        Assert.Equal(122, m.TotalAllocated);

        string[] lines = m.DumpText().Split('\n');
        Assert.Equal("Online bitmaps:       12", lines[0]);
        Assert.Equal("Global available:   2302", lines[1]);
        Assert.Equal("Total allocated:     122", lines[3]);
        Assert.Equal("System: 2: 50,128", lines[4]);
        Assert.Equal("     0   198     1     1    4  32-35", lines[6]);
        Assert.Equal("    11   118     1     1   84  32-49,51-116", lines[17]);
        Clean(m);
    }

    [Fact]
    public void Hash_changes_with_state_but_not_with_the_operation_record()
    {
        var a = X86();
        var b = X86();
        Assert.Equal(Hash(a), Hash(b));
        b.Free(0, 0x20, false);                                  // rejected: only the record differs
        Assert.Equal(Hash(a), Hash(b));
        a.AllocOn(0);
        Assert.NotEqual(Hash(a), Hash(b));
        b.AllocOn(0);
        Assert.Equal(Hash(a), Hash(b));
    }

    private static ulong Hash(IrqMatrix m)
    {
        var h = new StateHasher();
        m.Hash(ref h);
        return h.Value;
    }
}
