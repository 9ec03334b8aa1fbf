using IrqVerify.Model.Pci;

namespace IrqVerify.Model.Designs;

/// <summary>
/// Multi-MSI (2^n vectors behind one MSI capability). <see cref="MultiPciMsi"/> is
/// MSI_FLAG_MULTI_PCI_MSI on the device's domain: without it msi_capability_init answers "retry
/// with one". <see cref="ContiguousVectors"/> lets the vector matrix hand out naturally aligned
/// blocks of vectors on one CPU (matrix_alloc_area with num &gt; 1), which a device without
/// interrupt remapping needs (X86_IRQ_ALLOC_CONTIGUOUS_VECTORS).
/// </summary>
public interface IMultiMsiAllocator
{
    bool MultiPciMsi(PciDevice dev);

    bool ContiguousVectors { get; }
}
