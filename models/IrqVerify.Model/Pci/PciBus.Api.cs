using IrqVerify.Model.Core;

namespace IrqVerify.Model.Pci;

/// <summary>The driver-facing API (drivers/pci/msi/api.c).</summary>
public sealed partial class PciBus
{
    /// <summary>PCI_IRQ_* flag bits as the program vocabulary numbers them.</summary>
    [Flags]
    public enum IrqFlags { None = 0, Msix = 1, Msi = 2, Intx = 4, Affinity = 8 }

    /// <summary>
    /// pci_alloc_irq_vectors(dev, min, max, flags): MSI-X, then MSI, then INTx only if min == 1 and
    /// dev->irq exists (returns 1). Success returns n with min ≤ n ≤ max (I-P11); otherwise the last
    /// error (-ENOSPC when nothing was tried).
    /// </summary>
    public IEnumerable<Sched> AllocIrqVectors(int devIndex, int min, int max, IrqFlags flags, OpResult r)
    {
        if (Device(devIndex) is not { } dev) { r.Fail(Errno.EINVAL); yield break; }
        // max < min breaks the API contract: MSI/MSI-X answer -ERANGE but the INTx fallback still
        // returns 1 (it only looks at min), outside [min, max] (I-P11) by the caller's hand.
        if (max < min) m.Misuse("I-P11", $"pci_alloc_irq_vectors({dev.Name}, {min}, {max}): max_vecs < min_vecs");
        // A second allocation without pci_free_irq_vectors: MSI/MSI-X refuse, but the INTx
        // fallback would report success while the device stays in MSI/MSI-X mode (I-P1).
        if (dev.MsiEnabled || dev.MsixEnabled) m.Misuse("I-P1", $"pci_alloc_irq_vectors({dev.Name}) while {dev.Mode} is enabled");
        bool affinity = (flags & IrqFlags.Affinity) != 0;
        Errno last = Errno.ENOSPC;
        if ((flags & IrqFlags.Msix) != 0)
        {
            var res = new OpResult();
            foreach (var s in EnableMsixRange(dev, min, max, affinity, res)) yield return s;
            if (res.Ok && res.Value > 0) { Record(dev, min, max, res.Value, DeviceMode.Msix, r); yield break; }
            last = res.Ok ? Errno.ENOSPC : res.Error;
        }
        if ((flags & IrqFlags.Msi) != 0)
        {
            var res = new OpResult();
            foreach (var s in EnableMsiRange(dev, min, max, affinity, res)) yield return s;
            if (res.Ok && res.Value > 0) { Record(dev, min, max, res.Value, DeviceMode.Msi, r); yield break; }
            last = res.Ok ? Errno.ENOSPC : res.Error;
        }
        if ((flags & IrqFlags.Intx) != 0 && min == 1 && dev.Irq != 0)
        {
            // dev->irq is the MSI irq while MSI/MSI-X is on: the fallback answers 1 ("INTx") for a
            // device that has no pin irq or is not in INTx mode — the caller's second allocation (I-P11).
            if (dev.MsiEnabled || dev.MsixEnabled)
                m.Misuse("I-P11", $"pci_alloc_irq_vectors({dev.Name}): INTx fallback answers 1 from dev->irq {dev.Irq} while {dev.Mode} is enabled");
            dev.IntxDisabled = false;
            Record(dev, min, max, 1, DeviceMode.Intx, r);
            yield break;
        }
        r.Fail(last);
    }

    private static void Record(PciDevice dev, int min, int max, long n, DeviceMode mode, OpResult r)
    {
        dev.LastAlloc = new AllocRecord(min, max, (int)n, mode);
        r.Set(n);
    }

    /// <summary>pci_enable_msi(dev) = MSI range (1, 1): 0 or an error.</summary>
    public IEnumerable<Sched> EnableMsi(int devIndex, OpResult r)
    {
        if (Device(devIndex) is not { } dev) { r.Fail(Errno.EINVAL); yield break; }
        var res = new OpResult();
        foreach (var s in EnableMsiRange(dev, 1, 1, false, res)) yield return s;
        if (res.Ok) r.Set(0); else r.Fail(res.Error);
    }

    /// <summary>
    /// pci_irq_vector(dev, nr) (I-P5): INTx: nr == 0 → dev->irq; MSI: nr &lt; nvec_used → desc->irq + nr;
    /// MSI-X: the irq of table index nr; else -EINVAL.
    /// </summary>
    public int IrqVector(int devIndex, int nr)
    {
        if (Device(devIndex) is not { } dev || nr < 0) return -(int)Errno.EINVAL;
        if (!dev.MsiEnabled && !dev.MsixEnabled) return nr == 0 ? dev.Irq : -(int)Errno.EINVAL;
        if (dev.MsiEnabled)
            return dev.MsiDesc is { Associated: true } d && nr < d.NvecUsed ? d.Irq + nr : -(int)Errno.EINVAL;
        return dev.Descriptors.TryGetValue(nr, out var x) && x.Associated ? x.Irq : -(int)Errno.EINVAL;
    }

    /// <summary>pci_free_irq_vectors = pci_disable_msix + pci_disable_msi.</summary>
    public IEnumerable<Sched> FreeIrqVectors(int devIndex, OpResult r)
    {
        if (Device(devIndex) is not { } dev) { r.Fail(Errno.EINVAL); yield break; }
        var res = new OpResult();
        foreach (var s in DisableMsix(dev, res)) yield return s;
        foreach (var s in DisableMsi(dev, res)) yield return s;
        r.Set(0);
    }

    /// <summary>Fault injection (syzkaller style): the device's next domain irq allocation fails.</summary>
    public void FailNextIrqAlloc(int devIndex)
    {
        if (Device(devIndex) is { } dev) dev.FailNextAlloc = true;
    }
}
