using IrqVerify.Model.Core;

namespace IrqVerify.Model.Pci;

/// <summary>MSI enable / disable (drivers/pci/msi/msi.c): __pci_enable_msi_range, msi_capability_init,
/// pci_msi_shutdown, pci_disable_msi.</summary>
public sealed partial class PciBus
{
    /// <summary>
    /// __pci_enable_msi_range(dev, minvec, maxvec, affd). Errors in the kernel's order: -EINVAL (no MSI
    /// capability, minvec &lt; 1), -EINVAL (MSI-X enabled), -ERANGE (maxvec &lt; minvec), WARN -EINVAL
    /// (MSI already enabled), -ENOSPC (fewer capable vectors than minvec). Then the retry loop
    /// around msi_capability_init. Result: the number of vectors enabled.
    /// </summary>
    public IEnumerable<Sched> EnableMsiRange(PciDevice dev, int minvec, int maxvec, bool affinity, OpResult r)
    {
        yield return Sched.At("__pci_enable_msi_range");
        if (dev.Msi is null || minvec < 1) { r.Fail(Errno.EINVAL); yield break; }
        if (dev.MsixEnabled)
        {
            m.Info("__pci_enable_msi_range", $"{dev.Name}: can't enable MSI (MSI-X already enabled)");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        if (maxvec < minvec) { r.Fail(Errno.ERANGE); yield break; }
        if (dev.MsiEnabled)
        {
            m.Warn("__pci_enable_msi_range", $"{dev.Name}: MSI already enabled");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        int nvec = dev.Msi.CapableVectors;
        if (nvec < minvec) { r.Fail(Errno.ENOSPC); yield break; }
        nvec = Math.Min(nvec, maxvec);
        while (true)
        {
            if (affinity)
            {
                nvec = AffinitySpread.CalcVectors(m.Config.Cpus, nvec);
                if (nvec < minvec) { r.Fail(Errno.ENOSPC); yield break; }
            }
            var rc = new OpResult();
            foreach (var s in MsiCapabilityInit(dev, nvec, affinity, rc)) yield return s;
            if (!rc.Ok) { r.Fail(rc.Error); yield break; }
            if (rc.Value == 0) { r.Set(nvec); yield break; }
            if (rc.Value < minvec) { r.Fail(Errno.ENOSPC); yield break; }
            nvec = (int)rc.Value;
        }
    }

    /// <summary>
    /// msi_capability_init: 1 ("retry with one") for multi-MSI without MSI_FLAG_MULTI_PCI_MSI (I-P17);
    /// else clear enable, one descriptor (nvec_used, MME, MMC, can_mask, default irq), mask all capable
    /// vectors, copy the descriptor, allocate the irqs; on success enable MSI, disable INTx and set
    /// dev->irq. On failure unmask through the COPY — the core has already freed the descriptor
    /// (K9: the freed original is used, whose poisoned memory unmasks nothing).
    /// </summary>
    private IEnumerable<Sched> MsiCapabilityInit(PciDevice dev, int nvec, bool affinity, OpResult r)
    {
        if (nvec > 1 && !SupportsMultiMsi(dev)) { r.Set(1); yield break; }
        foreach (var s in LockDescs(dev, "msi_capability_init.msi_lock_descs")) yield return s;
        var c = dev.Msi!;
        c.Enable = false;
        var desc = new MsiDescriptor(false, 0, nvec, dev.Epoch)
        {
            Multiple = MmeFor(nvec), MultiCap = c.Mmc, CanMask = c.MaskBit, Is64 = c.Is64,
            DefaultIrq = dev.Irq, Masked = c.MaskReg,
            Affinity = affinity ? AffinitySpread.CreateMasks(nvec, m.Config.Cpus) : null,
        };
        dev.Descriptors[0] = desc;
        MsiUpdateMask(dev, desc, 0, CapableMask(desc));
        var copy = desc.Copy();

        var res = new OpResult();
        foreach (var s in DomainAllocLocked(dev, [desc], res)) yield return s;
        if (!res.Ok || res.Value != 0)
        {
            var undo = m.Variants.K9 ? desc : copy;
            MsiUpdateMask(dev, undo, CapableMask(undo), 0);
            dev.MsiEnabled = false;
            dev.IntxReason = IntxReason.FailedEnable;
            m.Release(dev.DescLock);
            if (res.Ok) r.Set(res.Value); else r.Fail(res.Error);
            yield break;
        }
        dev.IntxDisabled = true;
        c.Mme = desc.Multiple;
        c.Enable = true;
        dev.MsiEnabled = true;
        dev.Irq = desc.Irq;
        m.Release(dev.DescLock);
        m.Trace?.Effect($"{dev.Name}: MSI enabled, {nvec} vectors (MME {desc.Multiple}), irq {desc.Irq}");
        r.Set(0);
    }

    /// <summary>
    /// pci_disable_msi: no-op unless MSI is enabled. pci_msi_shutdown (clear enable, INTx back on,
    /// msi_enabled = 0, unmask all capable vectors — reset state, dev->irq = pin irq), then free.
    /// </summary>
    public IEnumerable<Sched> DisableMsi(PciDevice dev, OpResult r)
    {
        yield return Sched.At("pci_disable_msi");
        if (!dev.MsiEnabled) { r.Set(0); yield break; }
        foreach (var s in LockDescs(dev, "pci_disable_msi.msi_lock_descs")) yield return s;
        dev.Msi!.Enable = false;
        dev.IntxDisabled = false;
        dev.MsiEnabled = false;
        var desc = dev.MsiDesc;
        if (desc is null) m.Warn("pci_msi_shutdown", $"{dev.Name}: MSI enabled without a descriptor");
        else
        {
            MsiUpdateMask(dev, desc, CapableMask(desc), 0);
            dev.Irq = desc.DefaultIrq;
        }
        dev.IntxReason = IntxReason.MsiShutdown;
        dev.LastAlloc = null;
        foreach (var s in TeardownDescs(dev, [.. dev.Descriptors.Values], "pci_disable_msi")) yield return s;
        m.Release(dev.DescLock);
        r.Set(0);
    }
}
