using IrqVerify.Model.Designs;
using IrqVerify.Model.Irq;

namespace IrqVerify.Designs.XenSharedIrq;

/// <summary>Xen irqs from the top of the number space down ("start using irqs above 224"); every
/// other owner as Linux does, bottom-up from the first dynamic irq.</summary>
public sealed class XenIrqsFromTop : IIrqNumberAllocator
{
    public int AllocDescs(IrqDescTable table, int count, IrqOwner owner, int ownerIndex)
    {
        if (owner != IrqOwner.Xen || count != 1) return table.AllocRange(count, owner, ownerIndex);
        for (int irq = table.Count - 1; irq >= table.FirstDynamic; irq--)
            if (table.AllocFixed(irq, owner, ownerIndex)) return irq;
        return -1;
    }
}
