using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Designs;

/// <summary>
/// irq_alloc_descs for dynamic irqs (MSI, Xen): <paramref name="count"/> consecutive free
/// descriptors of <paramref name="table"/>, through its AllocRange/AllocFixed. Returns the first
/// irq, or -1 when the space is full.
/// </summary>
public interface IIrqNumberAllocator
{
    int AllocDescs(IrqDescTable table, int count, IrqOwner owner, int ownerIndex);
}
