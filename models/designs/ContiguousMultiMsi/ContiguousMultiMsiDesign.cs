using IrqVerify.Model.Designs;

namespace IrqVerify.Designs.ContiguousMultiMsi;

/// <summary>
/// Seed 001 (2022, "x86 multi-msi w/o iommu"): the vector matrix serves multi-MSI without interrupt
/// remapping with 2^n contiguous, naturally aligned vectors on one CPU, allocated and moved as one
/// block (matrix_alloc_area with num &gt; 1 behind X86_IRQ_ALLOC_CONTIGUOUS_VECTORS).
/// </summary>
public sealed class ContiguousMultiMsiDesign : Design
{
    public override string Name => "contiguous-multi-msi";
    public override string Summary => "multi-MSI without remapping from contiguous aligned vector blocks on one CPU";
    public override string? Debate => "seed 001";
    public override IMultiMsiAllocator MultiMsi { get; } = new ContiguousBlocks();
}
