using IrqVerify.Model.Core;

namespace IrqVerify.Model.Pci;

/// <summary>
/// struct msi_desc for PCI: one per MSI function (covering nvec_used consecutive Linux irqs) or one
/// per MSI-X entry. Lives in the device's descriptor xarray, keyed by <see cref="MsiIndex"/>.
/// </summary>
public sealed class MsiDescriptor
{
    private readonly ChangeEpoch _epoch;

    public MsiDescriptor(bool isMsix, int msiIndex, int nvecUsed, ChangeEpoch epoch)
    {
        _epoch = epoch;
        IsMsix = isMsix;
        MsiIndex = msiIndex;
        NvecUsed = nvecUsed;
        EarlyActivated = new TrackedArray<bool>(nvecUsed, epoch);
    }

    public bool IsMsix { get; }
    public int MsiIndex { get; }
    /// <summary>First Linux irq; 0 = not associated (no irqs allocated).</summary>
    public int Irq { get; set { field = value; _epoch.Bump(); } }
    public int NvecUsed { get; }
    /// <summary>msi_attrib.multiple: log2(roundup_pow_of_two(nvec_used)), the value written into MME.</summary>
    public int Multiple { get; set { field = value; _epoch.Bump(); } }
    /// <summary>msi_attrib.multi_cap: MMC.</summary>
    public int MultiCap { get; set { field = value; _epoch.Bump(); } }
    public bool CanMask { get; set { field = value; _epoch.Bump(); } }
    public bool Is64 { get; set { field = value; _epoch.Bump(); } }
    /// <summary>msi_attrib.default_irq: dev->irq before MSI was enabled.</summary>
    public int DefaultIrq { get; set { field = value; _epoch.Bump(); } }
    /// <summary>MSI: the cached mask word (desc->pci.msi_mask).</summary>
    public uint Masked { get; set { field = value; _epoch.Bump(); } }
    /// <summary>MSI-X: the cached vector-control mask bit (desc->pci.msix_ctrl).</summary>
    public bool MsixCtrlMasked { get; set { field = value; _epoch.Bump(); } }
    /// <summary>Per-vector affinity masks (PCI_IRQ_AFFINITY: managed); null = default affinity.</summary>
    public CpuMask[]? Affinity { get; set { field = value; _epoch.Bump(); } }
    /// <summary>IRTE block (remapped devices): base index and its power-of-two size; -1 = none.</summary>
    public int IrteBase { get; set { field = value; _epoch.Bump(); } } = -1;
    public int IrteCount { get; set { field = value; _epoch.Bump(); } }

    // ---- oracle bookkeeping (not kernel state) ----

    /// <summary>msi_init_virq ran for vector k (activated early or deliberately left in managed shutdown; I-P6).</summary>
    public TrackedArray<bool> EarlyActivated { get; }
    /// <summary>MSI mask updates between their cache write and their register write (I-P7).</summary>
    public int MaskUpdatesInFlight { get; set { field = value; _epoch.Bump(); } }
    /// <summary>Freed by the core (msi_free_desc); its memory is poisoned (see K9).</summary>
    public bool Freed { get; set { field = value; _epoch.Bump(); } }

    public bool Associated => Irq != 0;

    /// <summary>Does Linux irq <paramref name="irq"/> belong to this descriptor?</summary>
    public bool Covers(int irq) => Associated && irq >= Irq && irq < Irq + NvecUsed;

    /// <summary>The on-stack copy msi_capability_init keeps for its error path.</summary>
    public MsiDescriptor Copy()
    {
        var c = new MsiDescriptor(IsMsix, MsiIndex, NvecUsed, _epoch)
        {
            Irq = Irq, Multiple = Multiple, MultiCap = MultiCap, CanMask = CanMask, Is64 = Is64,
            DefaultIrq = DefaultIrq, Masked = Masked, MsixCtrlMasked = MsixCtrlMasked, Affinity = Affinity,
        };
        return c;
    }

    /// <summary>msi_free_desc: the memory is gone. The model poisons what an error path could read
    /// (zeroed by the allocator on reuse), so a use-after-free acts on nothing.</summary>
    /// <summary>Same identity (kind, index, size): <see cref="CopyFrom"/> can turn this one into <paramref name="o"/>.</summary>
    public bool SameShape(MsiDescriptor o) => IsMsix == o.IsMsix && MsiIndex == o.MsiIndex && NvecUsed == o.NvecUsed;

    /// <summary>Copies every mutable field and the per-vector arrays of a descriptor of the same shape.
    /// The affinity array is never written in place (only replaced), so it is shared.</summary>
    public void CopyFrom(MsiDescriptor o)
    {
        Irq = o.Irq; Multiple = o.Multiple; MultiCap = o.MultiCap; CanMask = o.CanMask; Is64 = o.Is64;
        DefaultIrq = o.DefaultIrq; Masked = o.Masked; MsixCtrlMasked = o.MsixCtrlMasked; Affinity = o.Affinity;
        IrteBase = o.IrteBase; IrteCount = o.IrteCount; MaskUpdatesInFlight = o.MaskUpdatesInFlight; Freed = o.Freed;
        EarlyActivated.CopyFrom(o.EarlyActivated);
    }

    /// <summary>A deep copy (same shape, every field).</summary>
    public MsiDescriptor Clone()
    {
        var c = new MsiDescriptor(IsMsix, MsiIndex, NvecUsed, _epoch);
        c.CopyFrom(this);
        return c;
    }

    public void Free()
    {
        Freed = true;
        CanMask = false;
        MultiCap = 0;
        Masked = 0;
        Irq = 0;
    }

    public void Hash(ref StateHasher h)
    {
        h.Add(IsMsix); h.Add(MsiIndex); h.Add(Irq); h.Add(NvecUsed); h.Add(Multiple); h.Add(MultiCap);
        h.Add(CanMask); h.Add(Masked); h.Add(MsixCtrlMasked); h.Add(IrteBase); h.Add(IrteCount);
        h.Add(MaskUpdatesInFlight);
        for (int k = 0; k < NvecUsed; k++) { h.Add(EarlyActivated[k]); h.Add(Affinity?[k].Bits ?? 0); }
    }

    public override string ToString() =>
        IsMsix ? $"msix[{MsiIndex}] irq {Irq}" : $"msi irq {Irq}+{NvecUsed} mme {Multiple}";
}
