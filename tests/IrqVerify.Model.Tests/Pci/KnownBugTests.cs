using IrqVerify.Model.Core;
using IrqVerify.Model.Pci;
using static IrqVerify.Model.Tests.Pci.PciKit;

namespace IrqVerify.Model.Tests.Pci;

/// <summary>K5, K6, K8, K9 observable through their invariants; the reference model stays clean.</summary>
public class KnownBugTests
{
    private static Machine NonMaskableMsi(Action<Variants>? v) => Make(v, MsiDev("d", mmc: 0, maskBit: false, remapped: false));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void K5_free_without_deactivation(bool k5)
    {
        var m = NonMaskableMsi(v => v[5] = k5);
        Assert.Equal(Errno.Ok, Run(m, o => m.Pci.EnableMsi(0, o)).Error);
        Assert.True(m.Irqs[m.Pci.IrqVector(0, 0)]!.Activated);
        FreeVectors(m, 0);
        if (!k5) { AssertClean(m); return; }
        Assert.Equal(1, m.Pci.Devices[0].FreedWhileActivated);
        Assert.Contains("I-P10", Fired(m));
        Assert.Subset(new SortedSet<string> { "I-P10", "I-V21" }, Fired(m));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void K6_only_the_first_multi_MSI_vector_is_activated_early(bool k6)
    {
        var m = Make(v => v[6] = k6, MsiDev("d", mmc: 2, maskBit: false, remapped: true));
        Assert.Equal(4, Alloc(m, 0, 4, 4, Msi));
        var d = m.Pci.Devices[0].MsiDesc!;
        var t = m.Pci.Irte!;
        Assert.True(t.Entries[d.IrteBase].Present);
        Assert.Equal(!k6, t.Entries[d.IrteBase + 3].Present);
        if (!k6) { AssertClean(m); return; }
        AssertFired(m, "I-P6");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void K8_unlocked_mask_update_loses_a_concurrent_change(bool k8)
    {
        var m = Make(v => v[8] = k8, MsiDev("d", mmc: 2, maskBit: true, remapped: true));
        Assert.Equal(4, Alloc(m, 0, 4, 4, Msi));
        int irq = m.Pci.IrqVector(0, 0);
        var c = m.Pci.Devices[0].Msi!;
        Assert.Equal(0xfu, c.MaskReg);
        Assert.Equal(Errno.Ok, Request(m, irq));
        Assert.Equal(Errno.Ok, Request(m, irq + 1));
        Assert.Equal(0xcu, c.MaskReg);                 // startup unmasked vectors 0 and 1
        // CPU0 masks vector 0 while CPU1 masks vector 1: A1 B1 B2 A2
        var a = new ModelThread(1, "cpu0:mask0", 0, m.Pci.MaskIrqOp(irq, true, new OpResult()));
        var b = new ModelThread(2, "cpu1:mask1", 1, m.Pci.MaskIrqOp(irq + 1, true, new OpResult()));
        a.Step(m); b.Step(m);
        a.Step(m); b.Step(m);
        Finish(m, b);
        Finish(m, a);
        Assert.Equal(0xfu, m.Pci.Devices[0].MsiDesc!.Masked);
        if (!k8)
        {
            Assert.Equal(0xfu, c.MaskReg);
            AssertClean(m);
            return;
        }
        Assert.Equal(0xdu, c.MaskReg);                 // CPU1's mask of vector 1 is lost
        AssertFired(m, "I-P7");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void K9_failed_enable_unmasks_through_the_copy(bool k9)
    {
        var m = Make(v => v[9] = k9, MsiDev("d", mmc: 3, maskBit: true, remapped: true));
        m.Pci.FailNextIrqAlloc(0);
        Assert.Equal(Errno.ENOSPC, Run(m, o => m.Pci.EnableMsi(0, o)).Error);
        var dev = m.Pci.Devices[0];
        Assert.Equal(DeviceMode.Intx, dev.Mode);
        Assert.Empty(dev.Descriptors);
        Assert.False(dev.Msi!.Enable);
        if (!k9)
        {
            Assert.Equal(0u, dev.Msi.MaskReg);
            AssertClean(m);
            return;
        }
        Assert.Equal(0xffu, dev.Msi.MaskReg);
        AssertFired(m, "I-P12");
    }

    [Fact]
    public void Failed_multi_MSI_allocation_retries_with_one_vector()
    {
        var m = Make(MsiDev("d", mmc: 3, maskBit: true, remapped: true));
        m.Pci.FailNextIrqAlloc(0);
        Assert.Equal(1, Alloc(m, 0, 1, 8, Msi));
        Assert.Equal(1, m.Pci.Devices[0].MsiDesc!.NvecUsed);
        AssertClean(m);
        var m2 = Make(MsiDev("d", mmc: 3, maskBit: true, remapped: true));
        m2.Pci.FailNextIrqAlloc(0);
        Assert.Equal(-(long)Errno.ENOSPC, Alloc(m2, 0, 2, 8, Msi));
        AssertClean(m2);
    }

    [Fact]
    public void Failed_MSIX_enable_leaves_no_trace()
    {
        var m = Make(MsixDev("x", 8, remapped: true));
        ulong baseline = ResourceHash(m);
        m.Pci.FailNextIrqAlloc(0);
        Assert.Equal(-(long)Errno.ENOSPC, Alloc(m, 0, 1, 4, Msix));
        var dev = m.Pci.Devices[0];
        Assert.Equal(IntxReason.FailedEnable, dev.IntxReason);
        Assert.False(dev.Msix!.Enable || dev.Msix.MaskAll || dev.MsixEnabled);
        Assert.Equal(baseline, ResourceHash(m));
        AssertClean(m);
    }
}
