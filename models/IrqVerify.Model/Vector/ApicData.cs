using IrqVerify.Model.Core;

namespace IrqVerify.Model.Vector;

/// <summary>
/// struct apic_chip_data (spec §2.2): the x86 vector domain's per-irq data, the lowest level of the
/// hierarchy. Vector 0 means "no real vector"; the hardware config (<see cref="HwVector"/>/<see cref="HwCpu"/>)
/// may then point at the managed-shutdown vector.
/// </summary>
public sealed class ApicData(ChangeEpoch epoch)
{
    public int Irq { get; set { field = value; epoch.Bump(); } }
    /// <summary>Current target (vector 0 = none).</summary>
    public int Vector { get; set { field = value; epoch.Bump(); } }
    public int Cpu { get; set { field = value; epoch.Bump(); } }
    /// <summary>Old target kept during a move until its cleanup (0 = none).</summary>
    public int PrevVector { get; set { field = value; epoch.Bump(); } }
    public int PrevCpu { get; set { field = value; epoch.Bump(); } }
    /// <summary>A move has been set up and not yet seen on the new target.</summary>
    public bool MoveInProgress { get; set { field = value; epoch.Bump(); } }
    /// <summary>Checker state, no kernel field: since the move was set up, an interrupt was taken on
    /// the new (cpu, vector). Progress invariant I-L1 reads it: such a move must have completed.</summary>
    public bool NewVectorHit { get; set { field = value; epoch.Bump(); } }
    public bool IsManaged { get; set { field = value; epoch.Bump(); } }
    public bool CanReserve { get; set { field = value; epoch.Bump(); } }
    public bool HasReserved { get; set { field = value; epoch.Bump(); } }
    /// <summary>Queued on <see cref="PrevCpu"/>'s vector_cleanup list (the hlist node is hashed).</summary>
    public bool InCleanupList { get; set { field = value; epoch.Bump(); } }

    /// <summary>hw_irq_cfg: what the upper domain composes the message from.</summary>
    public int HwVector { get; set { field = value; epoch.Bump(); } }
    public int HwCpu { get; set { field = value; epoch.Bump(); } }

    /// <summary>Seed-001 contiguous design: first irq of the block, its size and this irq's index
    /// (vector = block base + index, all on one CPU). BlockSize 0 = an ordinary independent vector.</summary>
    public int BlockFirstIrq { get; set { field = value; epoch.Bump(); } }
    public int BlockSize { get; set { field = value; epoch.Bump(); } }
    public int BlockIndex { get; set { field = value; epoch.Bump(); } }

    public bool IsBlock => BlockSize > 0;

    public void CopyFrom(ApicData o)
    {
        Irq = o.Irq; Vector = o.Vector; Cpu = o.Cpu; PrevVector = o.PrevVector; PrevCpu = o.PrevCpu;
        MoveInProgress = o.MoveInProgress; NewVectorHit = o.NewVectorHit; IsManaged = o.IsManaged; CanReserve = o.CanReserve; HasReserved = o.HasReserved;
        InCleanupList = o.InCleanupList; HwVector = o.HwVector; HwCpu = o.HwCpu;
        BlockFirstIrq = o.BlockFirstIrq; BlockSize = o.BlockSize; BlockIndex = o.BlockIndex;
    }

    public void Hash(ref StateHasher h)
    {
        h.Add(Irq); h.Add(Vector); h.Add(Cpu); h.Add(PrevVector); h.Add(PrevCpu); h.Add(MoveInProgress); h.Add(NewVectorHit);
        h.Add(IsManaged); h.Add(CanReserve); h.Add(HasReserved); h.Add(InCleanupList);
        h.Add(HwVector); h.Add(HwCpu); h.Add(BlockFirstIrq); h.Add(BlockSize); h.Add(BlockIndex);
    }

    public override string ToString()
    {
        string s = $"irq {Irq}: vector 0x{Vector:x} cpu {Cpu} hw 0x{HwVector:x}@{HwCpu}";
        if (PrevVector != 0) s += $" prev 0x{PrevVector:x}@{PrevCpu}";
        if (MoveInProgress) s += " move_in_progress";
        if (InCleanupList) s += " queued";
        if (IsManaged) s += " managed";
        if (CanReserve) s += " can_reserve";
        if (HasReserved) s += " has_reserved";
        if (IsBlock) s += $" block {BlockFirstIrq}+{BlockIndex}/{BlockSize}";
        return s;
    }
}

/// <summary>
/// irq_alloc_info for the vector domain. <paramref name="Mask"/> = info->mask (assign a real vector
/// now); <paramref name="Contiguous"/> = seed-001 design: one aligned block of vectors on one CPU.
/// </summary>
public sealed record VectorAllocInfo(CpuMask? Mask, bool Contiguous)
{
    public static readonly VectorAllocInfo Reserve = new(null, false);
}
