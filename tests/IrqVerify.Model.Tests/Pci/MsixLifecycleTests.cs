using IrqVerify.Model.Core;
using IrqVerify.Model.Pci;
using static IrqVerify.Model.Tests.Pci.PciKit;

namespace IrqVerify.Model.Tests.Pci;

public class MsixLifecycleTests
{
    /// <summary>Seed 000: a driver requests 4 MSI-X vectors, its second request_irq fails, and it must
    /// be able to unwind without leaking anything and enable again with the full count.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Seed000_failed_request_unwinds_to_baseline_and_reenables(bool remapped)
    {
        // One CPU with exactly one free device vector: the second real activation exhausts it.
        var cfg = new MachineConfig
        {
            Name = "seed000", Cpus = 1, VectorStart = 0x20, VectorEnd = 0x22, SystemVectors = [0x21],
            Devices = [MsixDev("nic", 8, remapped)], Remapping = new RemappingConfig { Entries = 16 },
        };
        var m = new Machine(cfg);
        ulong baseline = ResourceHash(m);

        Assert.Equal(4, Alloc(m, 0, 1, 4, Msix));
        var irqs = Enumerable.Range(0, 4).Select(i => m.Pci.IrqVector(0, i)).ToArray();
        Assert.Equal(Errno.Ok, Request(m, irqs[0]));
        Assert.Equal(Errno.ENOSPC, Request(m, irqs[1]));
        AssertClean(m);

        Assert.Equal(Errno.Ok, FreeIrq(m, irqs[0]));
        FreeVectors(m, 0);
        AssertClean(m);
        Assert.Equal(baseline, ResourceHash(m));
        NoVectorNamesAnIrq(m);
        Assert.Equal(0, m.Matrix.GlobalReserved);
        Assert.Empty(m.Pci.Devices[0].Descriptors);
        Assert.DoesNotContain(m.Diagnostics.Items, d => d.Severity is Severity.Misuse or Severity.Fatal);

        Assert.Equal(4, Alloc(m, 0, 1, 4, Msix));
        Assert.Equal(Errno.Ok, Request(m, m.Pci.IrqVector(0, 0)));
        AssertClean(m);
    }

    [Fact]
    public void Seed000_request_the_same_vector_twice_is_EBUSY_and_unwinds()
    {
        var m = Make(MsixDev("nic", 8, remapped: true));
        ulong baseline = ResourceHash(m);
        Assert.Equal(4, Alloc(m, 0, 4, 4, Msix));
        int irq0 = m.Pci.IrqVector(0, 0);
        Assert.Equal(Errno.Ok, Request(m, irq0));
        Assert.Equal(Errno.EBUSY, Request(m, irq0));
        Assert.Equal(Errno.Ok, FreeIrq(m, irq0));
        FreeVectors(m, 0);
        Assert.Equal(baseline, ResourceHash(m));
        AssertClean(m);
    }

    [Fact]
    public void I_P13_entries_masked_until_request_and_masked_again_by_free_irq()
    {
        var m = Make(MsixDev("x", 8, remapped: false));
        Assert.Equal(2, Alloc(m, 0, 2, 2, Msix));
        var x = m.Pci.Devices[0].Msix!;
        Assert.All(x.Entries, e => Assert.True(e.Masked));
        Assert.False(x.MaskAll);
        Assert.True(x.Enable);
        int irq1 = m.Pci.IrqVector(0, 1);
        Assert.Equal(Errno.Ok, Request(m, irq1));
        Assert.False(x.Entries[1].Masked);
        Assert.True(x.Entries[0].Masked);
        // reservation mode: the never-requested vector points at the shutdown vector
        Assert.Equal(0xef, x.Entries[0].Message.Vector);
        Assert.Equal(m.Vector.Target(irq1), (x.Entries[1].Message.DestCpu, x.Entries[1].Message.Vector));
        AssertClean(m);
        Assert.Equal(Errno.Ok, FreeIrq(m, irq1));
        Assert.True(x.Entries[1].Masked);
        Assert.True(x.Entries[1].Message.IsZero);
        AssertClean(m);
    }

    [Fact]
    public void Masked_entry_pends_and_is_sent_on_unmask()
    {
        var m = Make(MsixDev("x", 8, remapped: true));
        Assert.Equal(1, Alloc(m, 0, 1, 1, Msix));
        int irq = m.Pci.IrqVector(0, 0);
        Assert.Equal(Errno.Ok, Request(m, irq));
        Assert.Equal(Errno.Ok, Run(m, o => m.Pci.MaskIrqOp(irq, true, o)).Error);
        Assert.Equal(Errno.Ok, Raise(m, 0, 0));
        Assert.True(m.Pci.Devices[0].Msix!.Pending[0]);
        Drain(m);
        Assert.Equal(0, m.Irqs[irq]!.Invocations);
        Assert.Equal(Errno.Ok, Run(m, o => m.Pci.MaskIrqOp(irq, false, o)).Error);
        Assert.False(m.Pci.Devices[0].Msix!.Pending[0]);
        Drain(m);
        Assert.Equal(1, m.Irqs[irq]!.Invocations);
        Assert.Empty(Fired(m, Invariants.InvariantKind.Eventual));
    }

    [Fact]
    public void I_P14_dynamic_alloc_at_and_free_keep_MSIX_enabled_and_indices_unique()
    {
        var m = Make(MsixDev("x", 8, remapped: true));
        var dev = m.Pci.Devices[0];
        Assert.Equal(Errno.ENOTSUPP, Run(m, o => m.Pci.AllocIrqAt(dev, PciBus.MsiAnyIndex, o)).Error);
        Assert.Equal(2, Alloc(m, 0, 2, 2, Msix));
        var any = Run(m, o => m.Pci.AllocIrqAt(dev, PciBus.MsiAnyIndex, o));
        Assert.True(any.Ok);
        Assert.Equal((int)any.Value, m.Pci.IrqVector(0, 2));
        var at5 = Run(m, o => m.Pci.AllocIrqAt(dev, 5, o));
        Assert.Equal((int)at5.Value, m.Pci.IrqVector(0, 5));
        Assert.Equal(Errno.EBUSY, Run(m, o => m.Pci.AllocIrqAt(dev, 5, o)).Error);
        Assert.Equal(Errno.ERANGE, Run(m, o => m.Pci.AllocIrqAt(dev, 8, o)).Error);
        Assert.Equal([0, 1, 2, 5], dev.Descriptors.Keys.ToArray());
        AssertClean(m);

        Assert.Equal(Errno.Ok, Run(m, o => m.Pci.FreeIrqAt(dev, (int)any.Value, o)).Error);
        Assert.True(dev.MsixEnabled);
        Assert.Equal([0, 1, 5], dev.Descriptors.Keys.ToArray());
        Assert.Equal(-(int)Errno.EINVAL, m.Pci.IrqVector(0, 2));
        var again = Run(m, o => m.Pci.AllocIrqAt(dev, PciBus.MsiAnyIndex, o));
        Assert.Equal(2, dev.Descriptors.First(kv => kv.Value.Irq == (int)again.Value).Key);
        // an invalid map WARNs and changes nothing
        Assert.Equal(Errno.EINVAL, Run(m, o => m.Pci.FreeIrqAt(dev, 9999, o)).Error);
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Warn && d.Rule == "pci_msix_free_irq");
        AssertClean(m);

        // the table full: MSI_ANY_INDEX finds no slot
        for (int i = 0; i < 4; i++) Assert.True(Run(m, o => m.Pci.AllocIrqAt(dev, PciBus.MsiAnyIndex, o)).Ok);
        Assert.Equal(Errno.EBUSY, Run(m, o => m.Pci.AllocIrqAt(dev, PciBus.MsiAnyIndex, o)).Error);
        FreeVectors(m, 0);
        AssertClean(m);
    }

    [Fact]
    public void I_P15_disable_with_a_handler_requested_is_misuse_and_leaks_consistently()
    {
        var m = Make(MsixDev("x", 8, remapped: true));
        var dev = m.Pci.Devices[0];
        Assert.Equal(2, Alloc(m, 0, 2, 2, Msix));
        int irq0 = m.Pci.IrqVector(0, 0), irq1 = m.Pci.IrqVector(0, 1);
        Assert.Equal(Errno.Ok, Request(m, irq0));
        FreeVectors(m, 0);
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-P15");
        Assert.Equal(DeviceMode.Intx, dev.Mode);
        Assert.Single(dev.Leaked);
        Assert.Null(m.Irqs[irq1]);
        Assert.NotNull(m.Irqs[irq0]);
        AssertFired(m, "I-P15");
        // the driver frees its handler late: only the deliberate leak remains, no broken rule
        Assert.Equal(Errno.Ok, FreeIrq(m, irq0));
        AssertClean(m);
        // the device can be enabled again
        Assert.Equal(2, Alloc(m, 0, 2, 2, Msix));
        AssertClean(m);
    }

    [Fact]
    public void I_P15_disable_MSI_with_a_handler_requested()
    {
        var m = Make(MsiDev("d", mmc: 0, maskBit: false, remapped: false));
        Assert.Equal(Errno.Ok, Run(m, o => m.Pci.EnableMsi(0, o)).Error);
        int irq = m.Pci.IrqVector(0, 0);
        Assert.Equal(Errno.Ok, Request(m, irq));
        Run(m, o => m.Pci.DisableMsi(m.Pci.Devices[0], o));
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-P15");
        Assert.Equal(16, m.Pci.Devices[0].Irq);
        AssertFired(m, "I-P15");
    }
}
