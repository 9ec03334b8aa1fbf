using IrqVerify.Model.Core;
using IrqVerify.Model.Pci;

namespace IrqVerify.Model.Designs;

/// <summary>Linux: pci_disable_msix always disables and frees every vector; a vector whose handler
/// is still requested is caller misuse and its descriptor is leaked (I-P15).</summary>
public sealed class LinuxMsixContract : IMsixContract
{
    public static readonly LinuxMsixContract Instance = new();

    public Errno CheckDisable(Machine m, PciDevice dev) => Errno.Ok;

    public bool KeepVectors(PciDevice dev) => false;
}
