using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Designs;
using IrqVerify.Model.Pci;

namespace IrqVerify.Designs.Msix2004;

/// <summary>
/// The 2004 patch's rules: the driver must free_irq every vector before pci_disable_msix (which
/// answers -EBUSY and leaves MSI-X on otherwise), and the vectors a device was given stay bound to
/// it across disable/enable (they were only returned when the device went away).
/// </summary>
public sealed class RefuseWhileHooked : IMsixContract
{
    public Errno CheckDisable(Machine m, PciDevice dev)
    {
        foreach (var desc in dev.Descriptors.Values)
            for (int k = 0; desc.Associated && k < desc.NvecUsed; k++)
                if (m.Irqs[desc.Irq + k] is { Action: not null }) return Errno.EBUSY;
        return Errno.Ok;
    }

    public bool KeepVectors(PciDevice dev) => true;
}
