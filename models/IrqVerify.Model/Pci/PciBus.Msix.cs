using IrqVerify.Model.Core;

namespace IrqVerify.Model.Pci;

/// <summary>MSI-X enable / disable and dynamic allocation (drivers/pci/msi/msi.c, api.c; §3.2, §3.4).</summary>
public sealed partial class PciBus
{
    /// <summary>MSI_ANY_INDEX for <see cref="AllocIrqAt"/>.</summary>
    public const int MsiAnyIndex = -1;

    /// <summary>
    /// __pci_enable_msix_range(dev, NULL, minvec, maxvec, affd). Errors: -ERANGE, -EINVAL (MSI enabled),
    /// WARN -EINVAL (MSI-X enabled), -EINVAL (no MSI-X capability / nvec &lt; 1), -ENOSPC (table smaller
    /// than minvec). Then the retry loop around msix_capability_init.
    /// </summary>
    public IEnumerable<Sched> EnableMsixRange(PciDevice dev, int minvec, int maxvec, bool affinity, OpResult r)
    {
        yield return Sched.At("__pci_enable_msix_range");
        if (maxvec < minvec) { r.Fail(Errno.ERANGE); yield break; }
        if (dev.MsiEnabled)
        {
            m.Info("__pci_enable_msix_range", $"{dev.Name}: can't enable MSI-X (MSI already enabled)");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        if (dev.MsixEnabled)
        {
            m.Warn("__pci_enable_msix_range", $"{dev.Name}: MSI-X already enabled");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        if (dev.Msix is null || maxvec < 1) { r.Fail(Errno.EINVAL); yield break; }
        int nvec = Math.Min(maxvec, dev.Msix.Size);
        if (nvec < minvec) { r.Fail(Errno.ENOSPC); yield break; }
        while (true)
        {
            if (affinity)
            {
                nvec = AffinitySpread.CalcVectors(m.Config.Cpus, nvec);
                if (nvec < minvec) { r.Fail(Errno.ENOSPC); yield break; }
            }
            var rc = new OpResult();
            foreach (var s in MsixCapabilityInit(dev, nvec, affinity, rc)) yield return s;
            if (!rc.Ok) { r.Fail(rc.Error); yield break; }
            if (rc.Value == 0) { r.Set(nvec); yield break; }
            if (rc.Value < minvec) { r.Fail(Errno.ENOSPC); yield break; }
            nvec = (int)rc.Value;
        }
    }

    /// <summary>
    /// msix_capability_init: MASKALL|ENABLE first and msix_enabled = 1 (setup code must see it), one
    /// descriptor per entry (can_mask, cached vector control), allocate the irqs; then INTx off, every
    /// table entry masked (msix_mask_all), MASKALL cleared. On failure msix_enabled = 0 and
    /// MASKALL|ENABLE cleared; the descriptors are already freed.
    /// </summary>
    private IEnumerable<Sched> MsixCapabilityInit(PciDevice dev, int nvec, bool affinity, OpResult r)
    {
        var x = dev.Msix!;
        x.MaskAll = true;
        x.Enable = true;
        dev.MsixEnabled = true;
        foreach (var s in LockDescs(dev, "msix_setup_interrupts.msi_lock_descs")) yield return s;
        var masks = affinity ? AffinitySpread.CreateMasks(nvec, m.Config.Cpus) : null;
        var descs = new List<MsiDescriptor>(nvec);
        for (int i = 0; i < nvec; i++)
        {
            var desc = TakeReserved(dev, i) ?? NewMsixDescriptor(dev, i);
            if (masks is not null && !desc.Associated) desc.Affinity = [masks[i]];
            dev.Descriptors[i] = desc;
            descs.Add(desc);
        }
        var res = new OpResult();
        foreach (var s in DomainAllocLocked(dev, descs, res)) yield return s;
        m.Release(dev.DescLock);
        if (!res.Ok || res.Value != 0)
        {
            dev.MsixEnabled = false;
            x.MaskAll = false;
            x.Enable = false;
            dev.IntxReason = IntxReason.FailedEnable;
            if (res.Ok) r.Set(res.Value); else r.Fail(res.Error);
            yield break;
        }
        yield return Sched.At("msix_capability_init.mask_all");
        dev.IntxDisabled = true;
        for (int i = 0; i < x.Size; i++) x.Entries.Mutable(i).Masked = true;
        x.MaskAll = false;
        m.Trace?.Effect($"{dev.Name}: MSI-X enabled, {nvec} vectors");
        r.Set(0);
    }

    /// <summary>The descriptor of table index <paramref name="index"/> a design's disable kept for the
    /// device (irqs and vectors still allocated), taken back; null on Linux.</summary>
    private static MsiDescriptor? TakeReserved(PciDevice dev, int index)
    {
        int i = dev.Reserved.FindIndex(d => d.MsiIndex == index);
        if (i < 0) return null;
        var desc = dev.Reserved[i];
        dev.Reserved.RemoveAt(i);
        return desc;
    }

    private static MsiDescriptor NewMsixDescriptor(PciDevice dev, int index) => new(true, index, 1, dev.Epoch)
    {
        CanMask = true,
        Is64 = true,
        MsixCtrlMasked = index >= dev.Msix!.Size || dev.Msix.Entries[index].Masked,
    };

    /// <summary>
    /// pci_disable_msix: no-op unless MSI-X is enabled. pci_msix_shutdown (mask every descriptor's
    /// entry, clear ENABLE, INTx back on, msix_enabled = 0), then free.
    /// </summary>
    public IEnumerable<Sched> DisableMsix(PciDevice dev, OpResult r)
    {
        yield return Sched.At("pci_disable_msix");
        if (!dev.MsixEnabled) { r.Set(0); yield break; }
        foreach (var s in LockDescs(dev, "pci_disable_msix.msi_lock_descs")) yield return s;
        var refused = m.Design.MsixContract.CheckDisable(m, dev);
        if (refused != Errno.Ok)
        {
            m.Release(dev.DescLock);
            m.Trace?.Effect($"{dev.Name}: pci_disable_msix refused {refused.Format()}, MSI-X stays enabled");
            r.Fail(refused);
            yield break;
        }
        foreach (var desc in dev.Descriptors.Values) MaskVector(dev, desc, 0, true);
        dev.Msix!.Enable = false;
        dev.IntxDisabled = false;
        dev.MsixEnabled = false;
        dev.IntxReason = IntxReason.MsixShutdown;
        dev.LastAlloc = null;
        if (m.Design.MsixContract.KeepVectors(dev))
        {
            foreach (var desc in dev.Descriptors.Values) if (desc.Associated) dev.Reserved.Add(desc);
            dev.Descriptors.Clear();
        }
        else foreach (var s in TeardownDescs(dev, [.. dev.Descriptors.Values], "pci_disable_msix")) yield return s;
        m.Release(dev.DescLock);
        r.Set(0);
    }

    /// <summary>
    /// pci_msix_alloc_irq_at(dev, index): requires MSI-X enabled (else -ENOTSUPP). A descriptor at
    /// <paramref name="index"/>, or the lowest free index for MSI_ANY_INDEX (-EBUSY when full);
    /// index ≥ table size → -ERANGE; occupied → -EBUSY. Then its irq; on failure the slot is freed.
    /// Result: the Linux irq.
    /// </summary>
    public IEnumerable<Sched> AllocIrqAt(PciDevice dev, int index, OpResult r)
    {
        yield return Sched.At("pci_msix_alloc_irq_at");
        if (!dev.MsixEnabled || dev.Msix is null) { r.Fail(Errno.ENOTSUPP); yield break; }
        foreach (var s in LockDescs(dev, "msi_domain_alloc_irq_at.msi_lock_descs")) yield return s;
        int hwsize = dev.Msix.Size;
        int idx = index;
        Errno err = Errno.Ok;
        if (index == MsiAnyIndex)
        {
            idx = 0;
            while (idx < hwsize && dev.Descriptors.ContainsKey(idx)) idx++;
            if (idx == hwsize) err = Errno.EBUSY;
        }
        else if (index < 0) err = Errno.EINVAL;
        else if (index >= hwsize) err = Errno.ERANGE;
        else if (dev.Descriptors.ContainsKey(index)) err = Errno.EBUSY;
        if (err != Errno.Ok)
        {
            m.Release(dev.DescLock);
            r.Fail(err);
            yield break;
        }
        var desc = NewMsixDescriptor(dev, idx);
        dev.Descriptors[idx] = desc;
        var res = new OpResult();
        foreach (var s in DomainAllocLocked(dev, [desc], res)) yield return s;
        m.Release(dev.DescLock);
        dev.LastAlloc = null;
        if (!res.Ok) { r.Fail(res.Error); yield break; }
        if (res.Value != 0) { r.Fail(Errno.ENOSPC); yield break; }
        m.Trace?.Effect($"{dev.Name}: MSI-X index {idx} -> irq {desc.Irq}");
        r.Set(desc.Irq);
    }

    /// <summary>
    /// pci_msix_free_irq(dev, map): frees exactly that index and leaves MSI-X enabled. An invalid map
    /// (no MSI-X descriptor with that irq) is a WARN and does nothing.
    /// </summary>
    public IEnumerable<Sched> FreeIrqAt(PciDevice dev, int irq, OpResult r)
    {
        yield return Sched.At("pci_msix_free_irq");
        MsiDescriptor? desc = null;
        if (irq > 0)
            foreach (var d in dev.Descriptors.Values)
                if (d.IsMsix && d.Irq == irq) { desc = d; break; }
        if (desc is null)
        {
            m.Warn("pci_msix_free_irq", $"{dev.Name}: invalid map (irq {irq})");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        foreach (var s in LockDescs(dev, "msi_domain_free_irqs_range.msi_lock_descs")) yield return s;
        foreach (var s in TeardownDescs(dev, [desc], "pci_msix_free_irq")) yield return s;
        m.Release(dev.DescLock);
        dev.LastAlloc = null;
        r.Set(0);
    }
}
