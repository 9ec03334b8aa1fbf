using IrqVerify.Designs.ContiguousMultiMsi;
using IrqVerify.Model.Core;
using static IrqVerify.Model.Tests.Matrix.MatrixKit;

namespace IrqVerify.Model.Tests.Matrix;

/// <summary>Seed-001 contiguous multi-MSI blocks (design variant, no kernel counterpart).</summary>
public class MatrixBlockTests
{
    private static Variants Contiguous() => new() { Design = new ContiguousMultiMsiDesign() };

    [Fact]
    public void AllocBlock_without_the_variant_is_misuse_and_einval()
    {
        var log = new DiagnosticLog();
        var m = X86(log: log);
        Assert.Equal(Errno.EINVAL, m.AllocBlock(CpuMask.Of(0), 4, 2, out int cpu, out int baseBit));
        Assert.Equal((-1, -1), (cpu, baseBit));
        var d = Assert.Single(log.Items);
        Assert.Equal((Severity.Misuse, "I-M16"), (d.Severity, d.Rule));
        Assert.Equal(0, m.TotalAllocated);
        Clean(m);
    }

    [Fact]
    public void AllocBlock_takes_an_aligned_run_on_the_cpu_with_most_available_that_fits()
    {
        var m = X86(variants: Contiguous());
        m.AllocOn(0);                                            // CPU0: 0x20 taken, avl 200
        m.AllocOn(1);
        m.AllocOn(1);                                            // CPU1 avl 199
        Assert.Equal(Errno.Ok, m.AllocBlock(CpuMask.Of(0, 1), 8, 3, out int cpu, out int baseBit));
        Assert.Equal((0, 0x28), (cpu, baseBit));                 // 0x20 blocked by 0x20 → next 8-aligned base
        var cm = m.Map(0);
        Assert.Equal((9, 192), (cm.Allocated, cm.Available));
        Assert.Equal(11, m.TotalAllocated);
        Assert.Equal(4 * 201 - 11, m.GlobalAvailable);
        Assert.Equal("0x20,0x28-0x2f", cm.AllocMap.ToString());
        Assert.Equal(Errno.Ok, m.AllocBlock(CpuMask.Of(0), 4, 2, out _, out baseBit));
        Assert.Equal(0x24, baseBit);
        // 0x30 would cross the system vector 0x32 for 4 aligned slots → 0x34
        Assert.Equal(Errno.Ok, m.AllocBlock(CpuMask.Of(0), 4, 2, out _, out baseBit));
        Assert.Equal(0x34, baseBit);
        Assert.Equal(3, m.Blocks.Count);
        Clean(m);
    }

    [Fact]
    public void AllocBlock_fails_with_enospc_when_no_cpu_has_an_aligned_run()
    {
        var m = Tiny(2, variants: Contiguous());
        Assert.Equal(0x20, m.AllocOn(0));
        m.AllocOn(1);
        m.AllocOn(1);                                            // CPU1 0x20,0x21; CPU0 0x20
        ulong before = m.Fingerprint(false);
        Assert.Equal(Errno.ENOSPC, m.AllocBlock(CpuMask.Of(0, 1), 4, 2, out _, out _));
        Assert.Equal(before, m.Fingerprint(false));
        Assert.Equal(Errno.Ok, m.AllocBlock(CpuMask.Of(0, 1), 2, 1, out int cpu, out int baseBit));
        Assert.Equal((0, 0x22), (cpu, baseBit));
        Assert.Equal(Errno.EINVAL, m.AllocBlock(CpuMask.Empty, 2, 1, out _, out _));
        Clean(m);
    }

    [Fact]
    public void FreeBlock_releases_every_slot_and_unknown_blocks_warn()
    {
        var log = new DiagnosticLog();
        var m = X86(variants: Contiguous(), log: log);
        Assert.Equal(Errno.Ok, m.AllocBlock(CpuMask.Of(2), 4, 2, out int cpu, out int baseBit));
        m.Free(cpu, baseBit + 1, false);                         // one vector of the block freed alone
        Assert.Single(m.Blocks);
        Clean(m);
        m.FreeBlock(cpu, baseBit + 4, 4);
        Assert.Equal(Severity.Warn, Assert.Single(log.Items).Severity);
        m.FreeBlock(cpu, baseBit, 4);
        Assert.Empty(m.Blocks);
        Assert.Equal((0, 201), (m.Map(2).Allocated, m.Map(2).Available));
        Assert.Equal(0, m.TotalAllocated);
        Clean(m);
    }
}
