using IrqVerify.Model.Pci;

namespace IrqVerify.Model.Designs;

/// <summary>Linux: only remapping domains offer multi-MSI; x86_vector_alloc_irqs answers -ENOSYS to a
/// contiguous request (I-V15), so the matrix never hands out blocks.</summary>
public sealed class LinuxMultiMsiAllocator : IMultiMsiAllocator
{
    public static readonly LinuxMultiMsiAllocator Instance = new();

    public bool MultiPciMsi(PciDevice dev) => dev.Remapped;

    public bool ContiguousVectors => false;
}
