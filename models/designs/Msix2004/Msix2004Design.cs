using IrqVerify.Model.Designs;

namespace IrqVerify.Designs.Msix2004;

/// <summary>
/// Seed 000 (2004, "[PATCH]2.6.7 MSI-X Update"): the contract the original MSI-X patch proposed.
/// pci_disable_msix refuses while any of the device's vectors still has a handler, and a disabled
/// device keeps its vectors reserved for itself: the next enable gets them back, no other device
/// can take them meanwhile.
/// </summary>
public sealed class Msix2004Design : Design
{
    public override string Name => "msix-2004";
    public override string Summary => "pci_disable_msix refuses (-EBUSY) while a vector is hooked; vectors stay reserved per device";
    public override string? Debate => "seed 000";
    public override IMsixContract MsixContract { get; } = new RefuseWhileHooked();
}
