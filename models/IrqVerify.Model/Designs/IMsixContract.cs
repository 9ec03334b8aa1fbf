using IrqVerify.Model.Core;
using IrqVerify.Model.Pci;

namespace IrqVerify.Model.Designs;

/// <summary>
/// The MSI-X enable/disable contract towards drivers. <see cref="CheckDisable"/> runs first in
/// pci_disable_msix (under the descriptor lock): an error refuses the disable and leaves MSI-X on.
/// <see cref="KeepVectors"/>: pci_disable_msix parks the device's descriptors with their irqs and
/// vectors (reserved for that device) instead of freeing them; the next enable of the device takes
/// them back first.
/// </summary>
public interface IMsixContract
{
    Errno CheckDisable(Machine m, PciDevice dev);

    bool KeepVectors(PciDevice dev);
}
