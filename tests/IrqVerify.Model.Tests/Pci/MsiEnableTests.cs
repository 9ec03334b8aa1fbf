using IrqVerify.Model.Core;
using IrqVerify.Model.Pci;
using static IrqVerify.Model.Tests.Pci.PciKit;

namespace IrqVerify.Model.Tests.Pci;

public class MsiEnableTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 2)]
    [InlineData(5, 3)]
    [InlineData(8, 3)]
    [InlineData(9, 4)]
    [InlineData(32, 5)]
    public void I_P2_MME_is_ceil_log2_of_nvec(int nvec, int mme) => Assert.Equal(mme, PciBus.MmeFor(nvec));

    [Fact]
    public void I_P2_five_vector_MSI_behind_remapping_enables_MME_3()
    {
        var m = Make(MsiDev("d", mmc: 5, maskBit: true, remapped: true));
        Assert.Equal(5, Alloc(m, 0, 1, 5, Msi));
        var dev = m.Pci.Devices[0];
        Assert.True(dev.MsiEnabled);
        Assert.Equal(5, dev.MsiDesc!.NvecUsed);
        Assert.Equal(3, dev.MsiDesc.Multiple);
        Assert.Equal(3, dev.Msi!.Mme);
        Assert.Equal(0x0001 | 5 << 1 | 3 << 4 | 0x80 | 0x100, dev.Msi.Control);
        Assert.Equal(dev.MsiDesc.Irq, dev.Irq);
        // all capable vectors masked at init (32 for MMC 5); request_irq unmasks its own
        Assert.Equal(0xffffffffu, dev.Msi.MaskReg);
        AssertClean(m);
    }

    [Fact]
    public void MMC_limits_the_vector_count()
    {
        var m = Make(MsiDev("d", mmc: 2, maskBit: true, remapped: true));
        Assert.Equal(-(long)Errno.ENOSPC, Alloc(m, 0, 5, 8, Msi));
        Assert.Equal(4, Alloc(m, 0, 1, 8, Msi));
        Assert.Equal(2, m.Pci.Devices[0].Msi!.Mme);
        // only the 4 capable bits are ever set (I-P8)
        Assert.Equal(0xfu, m.Pci.Devices[0].Msi!.MaskReg);
        AssertClean(m);
    }

    [Fact]
    public void Errors_in_the_kernel_order()
    {
        var m = Make(MsiDev("d", mmc: 2, maskBit: true, remapped: true));
        var dev = m.Pci.Devices[0];
        Assert.Equal(Errno.EINVAL, Run(m, o => m.Pci.EnableMsiRange(dev, 0, 1, false, o)).Error);
        Assert.Equal(Errno.ERANGE, Run(m, o => m.Pci.EnableMsiRange(dev, 3, 2, false, o)).Error);
        Assert.Equal(1, Run(m, o => m.Pci.EnableMsiRange(dev, 1, 1, false, o)).Value);
        int warns = m.Diagnostics.Items.Count(d => d.Severity == Severity.Warn);
        Assert.Equal(Errno.EINVAL, Run(m, o => m.Pci.EnableMsiRange(dev, 1, 1, false, o)).Error);
        Assert.Equal(warns + 1, m.Diagnostics.Items.Count(d => d.Severity == Severity.Warn));
    }

    [Fact]
    public void I_P1_MSI_and_MSIX_are_exclusive()
    {
        var both = new DeviceConfig { Name = "d", PinIrq = 16, Remapped = true, Msi = new MsiCapConfig { Mmc = 0 }, Msix = new MsixCapConfig { TableSize = 8 } };
        var m = Make(both);
        Assert.Equal(4, Alloc(m, 0, 1, 4, Msix));
        Assert.Equal(Errno.EINVAL, Run(m, o => m.Pci.EnableMsi(0, o)).Error);
        Assert.Contains(m.Diagnostics.Items, d => d.Message.Contains("can't enable MSI (MSI-X already enabled)"));
        FreeVectors(m, 0);
        Assert.Equal(Errno.Ok, Run(m, o => m.Pci.EnableMsi(0, o)).Error);
        Assert.Equal(-(long)Errno.EINVAL, Alloc(m, 0, 1, 4, Msix));
        Assert.True(m.Pci.Devices[0].MsiEnabled);
        Assert.False(m.Pci.Devices[0].MsixEnabled);
        AssertClean(m);
    }

    [Fact]
    public void I_P17_multi_MSI_without_remapping_degrades_to_one_vector_or_ENOSPC()
    {
        var m = Make(MsiDev("d", mmc: 3, maskBit: false, remapped: false));
        Assert.Equal(-(long)Errno.ENOSPC, Alloc(m, 0, 2, 8, Msi));
        Assert.Equal(-(long)Errno.ENOSPC, Alloc(m, 0, 2, 8, Msi | Intx));
        Assert.Equal(1, Alloc(m, 0, 1, 8, Msi));
        var dev = m.Pci.Devices[0];
        Assert.Equal(1, dev.MsiDesc!.NvecUsed);
        Assert.Equal(0, dev.Msi!.Mme);
        AssertClean(m);
    }

    [Fact]
    public void I_P11_alloc_irq_vectors_tries_MSIX_then_MSI_then_INTx()
    {
        var both = new DeviceConfig { Name = "d", PinIrq = 16, Remapped = false, Msi = new MsiCapConfig { Mmc = 0 }, Msix = new MsixCapConfig { TableSize = 8 } };
        var noCaps = new DeviceConfig { Name = "legacy", PinIrq = 18 };
        var noPin = new DeviceConfig { Name = "nopin", PinIrq = 0 };
        var m = Make(both, noCaps, noPin);
        // MSI-X first, clamped to the table size
        Assert.Equal(8, Alloc(m, 0, 1, 32, Msix | Msi | Intx));
        Assert.Equal(DeviceMode.Msix, m.Pci.Devices[0].Mode);
        FreeVectors(m, 0);
        // MSI-X cannot give 2 → MSI cannot either (one vector without remapping) → last error
        var m2 = Make(MsiDev("d", mmc: 3, maskBit: false, remapped: false));
        Assert.Equal(-(long)Errno.ENOSPC, Alloc(m2, 0, 2, 4, Msix | Msi));
        Assert.Equal(-(long)Errno.EINVAL, Alloc(m2, 0, 2, 4, Msix));
        // no MSI/MSI-X: INTx only with min == 1 and a pin
        Assert.Equal(1, Alloc(m, 1, 1, 4, Msix | Msi | Intx));
        Assert.Equal(-(long)Errno.EINVAL, Alloc(m, 1, 2, 4, Msix | Msi | Intx));
        Assert.Equal(-(long)Errno.EINVAL, Alloc(m, 2, 1, 4, Msix | Msi | Intx));
        Assert.Equal(18, m.Pci.IrqVector(1, 0));
        Assert.Equal(-(int)Errno.EINVAL, m.Pci.IrqVector(1, 1));
        AssertClean(m);
    }

    [Fact]
    public void Affinity_spreads_managed_vectors_over_the_CPUs()
    {
        var m = Make(MsixDev("x", 16, remapped: false));
        Assert.Equal(4, Alloc(m, 0, 1, 16, Msix | Affinity));
        for (int i = 0; i < 4; i++)
        {
            var d = m.Irqs[m.Pci.IrqVector(0, i)]!;
            Assert.True(d.Managed);
            Assert.Equal(CpuMask.Of(i), d.Affinity);
        }
        AssertClean(m);
    }

    [Fact]
    public void I_P5_pci_irq_vector_rules()
    {
        var m = Make(MsiDev("d", mmc: 3, maskBit: true, remapped: true), MsixDev("x", 8, remapped: false));
        Assert.Equal(16, m.Pci.IrqVector(0, 0));
        Assert.Equal(-(int)Errno.EINVAL, m.Pci.IrqVector(0, 1));
        Assert.Equal(3, Alloc(m, 0, 1, 3, Msi));
        int first = m.Pci.Devices[0].MsiDesc!.Irq;
        Assert.Equal(first + 2, m.Pci.IrqVector(0, 2));
        Assert.Equal(-(int)Errno.EINVAL, m.Pci.IrqVector(0, 3));
        Assert.Equal(2, Alloc(m, 1, 1, 2, Msix));
        Assert.True(m.Pci.IrqVector(1, 1) > 0);
        Assert.Equal(-(int)Errno.EINVAL, m.Pci.IrqVector(1, 2));
        FreeVectors(m, 0);
        Assert.Equal(16, m.Pci.IrqVector(0, 0));
        AssertClean(m);
    }
}
