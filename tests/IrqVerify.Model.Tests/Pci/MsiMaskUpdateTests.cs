using IrqVerify.Model.Pci;

namespace IrqVerify.Model.Tests.Pci;

/// <summary>pci_msi_update_mask writes what it is given (drivers/pci/msi/msi.c:114-128;
/// docs/model-deviations.md D5).</summary>
public class MsiMaskUpdateTests
{
    [Fact]
    public void D5_update_mask_writes_set_bits_beyond_the_capable_vectors_and_ip8_reports_them()
    {
        // One capable vector (MMC 0), maskable: msi_capability_init masks bit 0 until request_irq.
        var m = PciKit.Make(PciKit.MsiDev("d0", mmc: 0, maskBit: true, remapped: false));
        Assert.Equal(1, PciKit.Alloc(m, 0, 1, 1, PciKit.Msi));
        var dev = m.Pci.Device(0)!;
        var desc = dev.MsiDesc!;
        Assert.Equal(1u, dev.Msi!.MaskReg);

        PciBus.MsiUpdateMask(dev, desc, 0, 0b110);
        Assert.Equal(0b111u, desc.Masked);
        Assert.Equal(0b111u, dev.Msi.MaskReg);
        PciKit.AssertFired(m, "I-P8");
    }
}
