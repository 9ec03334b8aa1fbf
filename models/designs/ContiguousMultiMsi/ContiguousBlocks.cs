using IrqVerify.Model.Designs;
using IrqVerify.Model.Pci;

namespace IrqVerify.Designs.ContiguousMultiMsi;

/// <summary>Every MSI domain offers multi-MSI; without remapping the vectors come as one aligned block.</summary>
public sealed class ContiguousBlocks : IMultiMsiAllocator
{
    public bool MultiPciMsi(PciDevice dev) => true;

    public bool ContiguousVectors => true;
}
