using IrqVerify.Model.Core;
using static IrqVerify.Model.Tests.Pci.PciKit;

namespace IrqVerify.Model.Tests.Pci;

public class RemappingTests
{
    /// <summary>A single-entry user first, so IRTE 0 is taken and an aligned 8-block must start at 8.</summary>
    private static Machine Fragmented(Action<Variants>? v)
    {
        var m = Make(v, MsixDev("other", 4, remapped: true), MsiDev("multi", mmc: 3, maskBit: true, remapped: true));
        Assert.Equal(1, Alloc(m, 0, 1, 1, Msix));
        Assert.Equal(0, m.Pci.Devices[0].Descriptors[0].IrteBase);
        return m;
    }

    [Fact]
    public void I_P3_eight_vector_MSI_gets_a_naturally_aligned_8_entry_IRTE_block()
    {
        var m = Fragmented(null);
        Assert.Equal(8, Alloc(m, 1, 1, 8, Msi));
        var d = m.Pci.Devices[1].MsiDesc!;
        Assert.Equal(8, d.IrteBase);
        Assert.Equal(8, d.IrteCount);
        Assert.True(m.Pci.Devices[1].Msi!.Message.IsRemapped);
        Assert.Equal(8, m.Pci.Devices[1].Msi!.Message.IrteIndex);
        AssertClean(m);
        // vector 5 selects IRTE 13, which sends to irq desc->irq + 5
        int irq5 = d.Irq + 5;
        Assert.Equal(Errno.Ok, Request(m, irq5));
        Assert.Equal(irq5, m.Pci.Irte!.Entries[13].Irq);
        Assert.Equal(Errno.Ok, Raise(m, 1, 5));
        Drain(m);
        Assert.Equal(1, m.Irqs[irq5]!.Invocations);
        Assert.Empty(Fired(m, Invariants.InvariantKind.Eventual));
    }

    [Fact]
    public void K7_unaligned_block_lets_vector_k_select_another_devices_IRTE()
    {
        var m = Fragmented(v => v[7] = true);
        Assert.Equal(8, Alloc(m, 1, 1, 8, Msi));
        var d = m.Pci.Devices[1].MsiDesc!;
        Assert.Equal(1, d.IrteBase);
        AssertFired(m, "I-P3");
        // vector 0: data 1 with its low 3 bits replaced by 0 selects IRTE 0 — the other device's
        int irq0 = d.Irq;
        Assert.Equal(Errno.Ok, Request(m, irq0));
        Assert.Equal(Errno.Ok, Raise(m, 1, 0));
        Drain(m);
        Assert.Equal(0, m.Irqs[irq0]!.Invocations);
        Assert.Contains("I-G2", Fired(m, Invariants.InvariantKind.Eventual));
    }

    [Fact]
    public void I_P4_three_vector_MSI_uses_a_4_block_and_releases_all_of_it()
    {
        var m = Make(MsiDev("d", mmc: 2, maskBit: true, remapped: true));
        ulong baseline = ResourceHash(m);
        Assert.Equal(3, Alloc(m, 0, 3, 3, Msi));
        var d = m.Pci.Devices[0].MsiDesc!;
        Assert.Equal(3, d.NvecUsed);
        Assert.Equal(2, d.Multiple);
        Assert.Equal(4, d.IrteCount);
        Assert.Equal(0, d.IrteBase % 4);
        var t = m.Pci.Irte!;
        Assert.True(t.Entries[d.IrteBase + 3].Allocated);
        Assert.Equal(0, t.Entries[d.IrteBase + 3].Irq);
        AssertClean(m);
        FreeVectors(m, 0);
        Assert.All(t.Entries, e => Assert.False(e.Allocated));
        Assert.Equal(baseline, ResourceHash(m));
        AssertClean(m);
    }

    [Fact]
    public void Remapped_affinity_rewrites_the_IRTE_at_once()
    {
        var m = Make(MsixDev("x", 4, remapped: true));
        Assert.Equal(1, Alloc(m, 0, 1, 1, Msix));
        int irq = m.Pci.IrqVector(0, 0);
        Assert.Equal(Errno.Ok, Request(m, irq));
        int from = m.Vector.Target(irq).cpu;
        int to = (from + 1) % 4;
        Assert.Equal(Errno.Ok, Run(m, o => m.Irq.SetAffinity(irq, CpuMask.Of(to), o)).Error);
        var e = m.Pci.Irte!.Entries[m.Pci.Devices[0].Descriptors[0].IrteBase];
        Assert.Equal(to, e.Cpu);
        Assert.Equal(m.Vector.Target(irq), (e.Cpu, e.Vector));
        AssertClean(m);
        Assert.Equal(Errno.Ok, Raise(m, 0, 0));
        Drain(m);
        Assert.Equal(1, m.Irqs[irq]!.Invocations);
        AssertClean(m);
        Assert.Empty(Fired(m, Invariants.InvariantKind.Eventual));
    }
}
