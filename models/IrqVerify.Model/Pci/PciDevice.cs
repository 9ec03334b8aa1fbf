using IrqVerify.Model.Core;

namespace IrqVerify.Model.Pci;

/// <summary>How a device last came back to INTx mode (oracle for I-P12 / I-P16).</summary>
public enum IntxReason : byte { Boot, FailedEnable, MsiShutdown, MsixShutdown }

/// <summary>The last pci_alloc_irq_vectors call while its result is still the device's mode (I-P11).</summary>
public readonly record struct AllocRecord(int Min, int Max, int Result, DeviceMode Mode);

public enum DeviceMode : byte { Intx, Msi, Msix }

/// <summary>
/// struct pci_dev, the interrupt part: pin irq, MSI / MSI-X capabilities, the software flags
/// msi_enabled / msix_enabled, dev->irq, the INTx-disable command bit, and the per-device MSI
/// descriptor xarray.
/// </summary>
public sealed class PciDevice
{
    private readonly ChangeEpoch _epoch;

    public PciDevice(int index, DeviceConfig cfg, ChangeEpoch epoch)
    {
        _epoch = epoch;
        Index = index;
        Name = cfg.Name;
        PinIrq = cfg.PinIrq;
        Remapped = cfg.Remapped;
        Irq = cfg.PinIrq;
        if (cfg.Msi is { } msi) Msi = new MsiCapability(msi.Mmc, msi.MaskBit, msi.Is64, epoch);
        if (cfg.Msix is { } x) Msix = new MsixTable(x.TableSize, epoch);
        Descriptors = new(epoch);
        Leaked = new(epoch);
        Reserved = new(epoch);
    }

    /// <summary>The PCI subsystem's change epoch (for the descriptors this device's operations create).</summary>
    internal ChangeEpoch Epoch => _epoch;

    public int Index { get; }
    public string Name { get; }
    /// <summary>The INTx pin irq; 0 = no pin.</summary>
    public int PinIrq { get; }
    /// <summary>Behind the interrupt-remapping domain (which offers MSI_FLAG_MULTI_PCI_MSI).</summary>
    public bool Remapped { get; }
    public MsiCapability? Msi { get; }
    public MsixTable? Msix { get; }

    /// <summary>dev->irq: the pin irq, or the first MSI irq while MSI is enabled.</summary>
    public int Irq { get; set { field = value; _epoch.Bump(); } }
    public bool MsiEnabled { get; set { field = value; _epoch.Bump(); } }
    public bool MsixEnabled { get; set { field = value; _epoch.Bump(); } }
    /// <summary>PCI_COMMAND_INTX_DISABLE.</summary>
    public bool IntxDisabled { get; set { field = value; _epoch.Bump(); } }

    /// <summary>The descriptor xarray (MSI: index 0 only; MSI-X: table index).</summary>
    public TrackedMap<int, MsiDescriptor> Descriptors { get; }
    /// <summary>Descriptors deliberately leaked by a teardown that found a handler still requested (I-P15).</summary>
    public TrackedList<MsiDescriptor> Leaked { get; }
    /// <summary>MSI-X descriptors a design's disable kept for this device, irqs and vectors included
    /// (<see cref="Designs.IMsixContract.KeepVectors"/>); the next enable takes them back. Empty on Linux.</summary>
    public TrackedList<MsiDescriptor> Reserved { get; }

    /// <summary>Fault injection: the next domain irq allocation for this device fails (-ENOMEM).</summary>
    public bool FailNextAlloc { get; set { field = value; _epoch.Bump(); } }

    // ---- oracle bookkeeping (not kernel state) ----

    public IntxReason IntxReason { get; set { field = value; _epoch.Bump(); } }
    public AllocRecord? LastAlloc { get; set { field = value; _epoch.Bump(); } }
    /// <summary>Irqs freed while still activated (I-P10).</summary>
    public int FreedWhileActivated { get; set { field = value; _epoch.Bump(); } }
    /// <summary>The CPU running the careful msi_set_affinity sequence for this device, or -1 (I-V8).</summary>
    public int CarefulCpu { get; set { field = value; _epoch.Bump(); } } = -1;

    public LockRef DescLock => LockRef.MsiDescs(Index);
    public LockRef MaskLock => LockRef.Msi(Index);

    public DeviceMode Mode => MsixEnabled ? DeviceMode.Msix : MsiEnabled ? DeviceMode.Msi : DeviceMode.Intx;

    /// <summary>The MSI descriptor (index 0) while MSI is set up, else null.</summary>
    public MsiDescriptor? MsiDesc => Descriptors.TryGetValue(0, out var d) && !d.IsMsix ? d : null;

    /// <summary>The live or leaked descriptor covering Linux irq <paramref name="irq"/>.</summary>
    public MsiDescriptor? DescriptorOf(int irq)
    {
        foreach (var d in Descriptors.Values) if (d.Covers(irq)) return d;
        foreach (var d in Leaked) if (d.Covers(irq)) return d;
        foreach (var d in Reserved) if (d.Covers(irq)) return d;
        return null;
    }

    /// <summary>
    /// Makes this device equal to <paramref name="o"/> (the same device of another machine): registers,
    /// tables, descriptors (copied into this device's own objects when the shapes match, cloned
    /// otherwise) and oracle records.
    /// </summary>
    public void CopyFrom(PciDevice o)
    {
        _epoch.Bump();
        Irq = o.Irq; MsiEnabled = o.MsiEnabled; MsixEnabled = o.MsixEnabled; IntxDisabled = o.IntxDisabled;
        FailNextAlloc = o.FailNextAlloc; IntxReason = o.IntxReason; LastAlloc = o.LastAlloc;
        FreedWhileActivated = o.FreedWhileActivated; CarefulCpu = o.CarefulCpu;
        if (Msi is { } c && o.Msi is { } oc)
        {
            c.Enable = oc.Enable; c.Mme = oc.Mme; c.AddressLo = oc.AddressLo; c.AddressHi = oc.AddressHi; c.Data = oc.Data;
            c.MaskReg = oc.MaskReg; c.PendingReg = oc.PendingReg;
        }
        if (Msix is { } x && o.Msix is { } ox)
        {
            x.Enable = ox.Enable; x.MaskAll = ox.MaskAll;
            x.Entries.CopyFrom(ox.Entries);
            x.Pending.CopyFrom(ox.Pending);
        }
        CopyDescriptors(o);
        CopyList(Leaked, o.Leaked);
        CopyList(Reserved, o.Reserved);
    }

    private static void CopyList(TrackedList<MsiDescriptor> to, TrackedList<MsiDescriptor> from)
    {
        if (to.Count == from.Count && SameShapes(to, from))
            for (int i = 0; i < to.Count; i++) to[i].CopyFrom(from[i]);
        else
        {
            to.Clear();
            foreach (var d in from) to.Add(d.Clone());
        }
    }

    private void CopyDescriptors(PciDevice o)
    {
        bool same = Descriptors.Count == o.Descriptors.Count;
        if (same)
            foreach (var (k, d) in o.Descriptors)
                if (!Descriptors.TryGetValue(k, out var mine) || !mine.SameShape(d)) { same = false; break; }
        if (same)
        {
            foreach (var (k, d) in o.Descriptors) Descriptors[k].CopyFrom(d);
            return;
        }
        Descriptors.Clear();
        foreach (var (k, d) in o.Descriptors) Descriptors.Add(k, d.Clone());
    }

    private static bool SameShapes(TrackedList<MsiDescriptor> a, TrackedList<MsiDescriptor> b)
    {
        for (int i = 0; i < a.Count; i++) if (!a[i].SameShape(b[i])) return false;
        return true;
    }

    public void Hash(ref StateHasher h)
    {
        h.Add(Irq); h.Add(MsiEnabled); h.Add(MsixEnabled); h.Add(IntxDisabled); h.Add(FailNextAlloc);
        h.Add((int)IntxReason); h.Add(FreedWhileActivated); h.Add(CarefulCpu);
        if (Msi is { } c)
        {
            h.Add(c.Enable); h.Add(c.Mme); h.Add(c.AddressLo); h.Add(c.AddressHi); h.Add(c.Data); h.Add(c.MaskReg); h.Add(c.PendingReg);
        }
        if (Msix is { } x)
        {
            h.Add(x.Enable); h.Add(x.MaskAll);
            for (int i = 0; i < x.Size; i++)
            {
                var e = x.Entries[i];
                h.Add(e.AddressLo); h.Add(e.AddressHi); h.Add(e.Data); h.Add(e.Masked); h.Add(e.WriteInProgress); h.Add(x.Pending[i]);
            }
        }
        h.Add(Descriptors.Count);
        foreach (var d in Descriptors.Values) d.Hash(ref h);
        h.Add(Leaked.Count);
        foreach (var d in Leaked) d.Hash(ref h);
        if (Reserved.Count == 0) return;
        h.Add(Reserved.Count);
        foreach (var d in Reserved) d.Hash(ref h);
    }
}
