using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Designs;

/// <summary>Linux: one shared number space, the lowest free range at or above the first dynamic irq.</summary>
public sealed class LinuxIrqNumberAllocator : IIrqNumberAllocator
{
    public static readonly LinuxIrqNumberAllocator Instance = new();

    public int AllocDescs(IrqDescTable table, int count, IrqOwner owner, int ownerIndex) =>
        table.AllocRange(count, owner, ownerIndex);
}
