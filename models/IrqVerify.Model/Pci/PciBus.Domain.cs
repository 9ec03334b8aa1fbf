using System.Numerics;
using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Pci;

/// <summary>
/// The MSI irqdomain core (kernel/irq/msi.c) for PCI devices: allocation of nvec_used consecutive
/// Linux irqs per descriptor through the hierarchy (vector domain, then the remapping table), early
/// activation of every irq (msi_init_virq, reservation mode), and teardown (deactivate every
/// activated irq, then free the hierarchy, then the descriptors).
/// </summary>
public sealed partial class PciBus
{
    /// <summary>MSI_FLAG_MULTI_PCI_MSI on the device's domain: remapping domains offer it; the plain
    /// x86 vector domain does not (I-V15); the design decides (seed 001: contiguous vector blocks).</summary>
    private bool SupportsMultiMsi(PciDevice dev) => m.Design.MultiMsi.MultiPciMsi(dev);

    /// <summary>msi_check_reservation_mode: reservation mode configured and the first descriptor
    /// maskable (MSI-X, or MSI with per-vector masking).</summary>
    private bool CheckReservationMode(PciDevice dev)
    {
        if (!m.Config.ReservationMode) return false;
        foreach (var d in dev.Descriptors.Values) return d.IsMsix || d.CanMask;
        return false;
    }

    private IEnumerable<Sched> LockDescs(PciDevice dev, string point)
    {
        yield return Sched.Under(point, dev.DescLock);
        m.Acquire(dev.DescLock);
    }

    /// <summary>
    /// msi_domain_alloc_locked: __msi_domain_alloc_irqs for <paramref name="descs"/>; on any non-zero
    /// result everything is freed, descriptors included (MSI_FLAG_FREE_MSI_DESCS). Result: 0, a
    /// positive "retry with this many" (1 for multi-MSI, or the count that succeeded), or an errno.
    /// Requires the descriptor lock.
    /// </summary>
    private IEnumerable<Sched> DomainAllocLocked(PciDevice dev, List<MsiDescriptor> descs, OpResult r)
    {
        var res = new OpResult();
        foreach (var s in DomainAllocIrqs(dev, descs, res)) yield return s;
        if (res.Ok && res.Value == 0) { r.Set(0); yield break; }
        foreach (var s in DomainFreeLocked(dev, descs)) yield return s;
        if (res.Ok) r.Set(res.Value); else r.Fail(res.Error);
    }

    /// <summary>__msi_domain_alloc_irqs: per not-yet-associated descriptor, allocate its irqs in the
    /// hierarchy and msi_init_virq EACH of them (K6: only the first).</summary>
    private IEnumerable<Sched> DomainAllocIrqs(PciDevice dev, List<MsiDescriptor> descs, OpResult r)
    {
        bool canReserve = CheckReservationMode(dev);
        int allocated = 0;
        foreach (var desc in descs)
        {
            if (desc.Associated) continue;
            yield return Sched.Under("__irq_domain_alloc_irqs", LockRef.VectorLock);
            var e = AllocHierarchy(dev, desc);
            if (e != Errno.Ok)
            {
                m.Trace?.Effect($"{dev.Name}: irq allocation for {desc} failed {e.Format()}");
                // msi_handle_pci_fail: a multi-MSI descriptor retries with one vector.
                if (desc.NvecUsed > 1) r.Set(1);
                else if (allocated > 0) r.Set(allocated);
                else r.Fail(Errno.ENOSPC);
                yield break;
            }
            int initialized = m.Variants.K6 ? 1 : desc.NvecUsed;
            for (int k = 0; k < initialized; k++)
            {
                yield return Sched.Under("msi_init_virq", LockRef.VectorLock);
                e = InitVirq(desc, k, canReserve);
                if (e != Errno.Ok) { r.Fail(e); yield break; }
            }
            allocated++;
        }
        r.Set(0);
    }

    /// <summary>
    /// irq_domain_alloc_irqs for one descriptor: nvec_used consecutive Linux irqs, the vector domain
    /// (reservations; one aligned block of vectors for contiguous multi-MSI), then for remapped devices
    /// one naturally aligned power-of-two IRTE block (K7: any start). Atomic; undoes itself on failure.
    /// </summary>
    private Errno AllocHierarchy(PciDevice dev, MsiDescriptor desc)
    {
        if (dev.FailNextAlloc)
        {
            dev.FailNextAlloc = false;
            return Errno.ENOMEM;
        }
        int n = desc.NvecUsed;
        int virq = m.Design.IrqNumbers.AllocDescs(m.Irqs, n, IrqOwner.PciMsi, dev.Index);
        if (virq < 0) return Errno.ENOMEM;
        var all = CpuMask.FirstN(m.Config.Cpus);
        for (int k = 0; k < n; k++)
        {
            var d = m.Irqs[virq + k]!;
            d.OwnerSub = desc.IsMsix ? desc.MsiIndex : k;
            d.Chip = dev.Remapped ? RemappedChip : MsiChip;
            d.Flow = FlowKind.Edge;
            d.Managed = desc.Affinity is not null;
            d.Affinity = desc.Affinity?[k] ?? all;
        }
        var e = m.Vector.AllocIrqs(virq, n, new Vector.VectorAllocInfo(null, Contiguous: !dev.Remapped && n > 1));
        if (e != Errno.Ok)
        {
            m.Irqs.FreeRange(virq, n);
            return e;
        }
        if (dev.Remapped && Irte is { } t)
        {
            int b = t.AllocBlock(n, dev.Index, unaligned: m.Variants.K7);
            if (b < 0)
            {
                m.Vector.FreeIrqs(virq, n);
                m.Irqs.FreeRange(virq, n);
                return Errno.ENOSPC;
            }
            desc.IrteBase = b;
            desc.IrteCount = IrteTable.RoundUpPow2(n);
            for (int k = 0; k < n; k++) t.Entries.Mutable(b + k).Irq = virq + k;
        }
        desc.Irq = virq;
        m.Trace?.Effect($"{dev.Name}: {desc} allocated{(desc.IrteBase >= 0 ? $", IRTE block {desc.IrteBase}+{desc.IrteCount}" : "")}");
        return Errno.Ok;
    }

    /// <summary>
    /// msi_init_virq for vector k. Without reservation mode (a non-maskable MSI): clear CAN_RESERVE,
    /// which msi_set_affinity reads to choose its update path, and leave a managed irq with no online
    /// CPU in managed shutdown. Then activate (in reservation mode: reserve, then mark not activated
    /// so request_irq activates for real).
    /// </summary>
    private Errno InitVirq(MsiDescriptor desc, int k, bool canReserve)
    {
        var d = m.Irqs[desc.Irq + k]!;
        if (!canReserve)
        {
            d.CanReserve = false;
            if (d.Managed && d.Affinity.And(m.Vector.OnlineMask).IsEmpty)
            {
                d.ManagedShutdown = true;
                desc.EarlyActivated[k] = true;
                return Errno.Ok;
            }
        }
        var e = m.Irq.Activate(d, canReserve);
        if (e != Errno.Ok) return e;
        if (canReserve)
        {
            d.Activated = false;
            d.ActivatedReserved = false;
        }
        desc.EarlyActivated[k] = true;
        return Errno.Ok;
    }

    /// <summary>
    /// msi_domain_free_locked + msi_domain_free_descs: free the irqs of every associated descriptor,
    /// then the descriptors. Requires the descriptor lock.
    /// </summary>
    private IEnumerable<Sched> DomainFreeLocked(PciDevice dev, List<MsiDescriptor> descs)
    {
        foreach (var desc in descs)
        {
            if (desc.Associated)
            {
                yield return Sched.Under("irq_domain_free_irqs", LockRef.VectorLock);
                DomainFreeIrqs(dev, desc);
            }
            if (dev.Descriptors.TryGetValue(desc.MsiIndex, out var cur) && cur == desc) dev.Descriptors.Remove(desc.MsiIndex);
            desc.Free();
        }
    }

    /// <summary>
    /// __msi_domain_free_irqs for one descriptor: deactivate every activated irq first (K5: skipped),
    /// then free the hierarchy — the whole IRTE block (I-P4), the vectors, the irq numbers.
    /// </summary>
    private void DomainFreeIrqs(PciDevice dev, MsiDescriptor desc)
    {
        int n = desc.NvecUsed;
        for (int k = 0; k < n; k++)
        {
            if (m.Irqs[desc.Irq + k] is not { Activated: true } d) continue;
            if (!m.Variants.K5) m.Irq.Deactivate(d);
            if (d.Activated)
            {
                dev.FreedWhileActivated++;
                m.Trace?.Effect($"irq {d.Irq}: freed while still activated");
            }
        }
        if (desc.IrteBase >= 0 && Irte is { } t) t.FreeBlock(desc.IrteBase, desc.IrteCount);
        desc.IrteBase = -1;
        desc.IrteCount = 0;
        m.Vector.FreeIrqs(desc.Irq, n);
        m.Irqs.FreeRange(desc.Irq, n);
        m.Trace?.Effect($"{dev.Name}: {desc} freed");
        desc.Irq = 0;
        desc.EarlyActivated.Fill(false);
    }

    /// <summary>
    /// pci_free_msi_irqs with the "irq still has action" contract (I-P15): a descriptor whose irq
    /// still has a handler is reported as misuse and deliberately leaked (kept whole: irqs, vectors,
    /// IRTEs), as msi_domain_free_descs does since 5.17; the others are freed.
    /// </summary>
    private IEnumerable<Sched> TeardownDescs(PciDevice dev, List<MsiDescriptor> descs, string caller)
    {
        var free = new List<MsiDescriptor>(descs.Count);
        foreach (var desc in descs)
        {
            int busy = BusyIrq(desc);
            if (busy == 0)
            {
                // Started without a handler: enable_irq at depth 1 (after free_irq, or before any
                // request_irq) runs irq_startup(IRQ_START_FORCE) with no action, and nothing WARNs.
                // The free then deactivates (message zeroed) but never shuts the irq down, so its
                // MSI-X entry stays unmasked, and pci_msix_shutdown, which masks only the entries
                // that still have a descriptor, leaves it so (kernel/irq/msi.c
                // __msi_domain_free_irqs; drivers/pci/msi/msi.c pci_msix_shutdown).
                if (desc.IsMsix && dev.MsixEnabled && StartedWithoutHandler(desc) is int started and > 0)
                {
                    m.Misuse("I-P13", $"{caller}({dev.Name}): irq {started} was started by enable_irq without a handler; its MSI-X entry stays unmasked without a vector");
                    m.Misuse("I-P16", $"{caller}({dev.Name}): irq {started} was started by enable_irq without a handler; its MSI-X entry stays unmasked after the teardown");
                }
                free.Add(desc);
                continue;
            }
            m.Misuse("I-P15", $"{caller}({dev.Name}): irq {busy} still has a handler; descriptor {desc} leaked");
            // The leaked irq is still live: its later shutdown (free_irq) masks the vector through
            // the leaked descriptor, setting a mask bit of an MSI the shutdown left unmasked.
            if (!desc.IsMsix && desc.CanMask)
                m.Misuse("I-P16", $"{caller}({dev.Name}): irq {busy} still has a handler; its shutdown will mask a vector of the disabled MSI");
            // MSI-X: the live irq keeps its entry unmasked without a descriptor (I-P13), and a
            // later startup of it unmasks an entry of a disabled table (I-P16).
            if (desc.IsMsix)
            {
                m.Misuse("I-P13", $"{caller}({dev.Name}): irq {busy} still has a handler; its MSI-X entry stays live without a descriptor");
                m.Misuse("I-P16", $"{caller}({dev.Name}): irq {busy} still has a handler; its MSI-X entry can be unmasked after the teardown");
            }
            dev.Descriptors.Remove(desc.MsiIndex);
            dev.Leaked.Add(desc);
        }
        foreach (var s in DomainFreeLocked(dev, free)) yield return s;
    }

    /// <summary>The first irq of the descriptor that still has a handler, or 0.</summary>
    private int BusyIrq(MsiDescriptor desc)
    {
        if (!desc.Associated) return 0;
        for (int k = 0; k < desc.NvecUsed; k++)
            if (m.Irqs[desc.Irq + k] is { Action: not null }) return desc.Irq + k;
        return 0;
    }

    /// <summary>The first irq of the descriptor that is started but has no handler, or 0.</summary>
    private int StartedWithoutHandler(MsiDescriptor desc)
    {
        if (!desc.Associated) return 0;
        for (int k = 0; k < desc.NvecUsed; k++)
            if (m.Irqs[desc.Irq + k] is { Action: null, Started: true }) return desc.Irq + k;
        return 0;
    }

    /// <summary>ilog2(roundup_pow_of_two(n)): the MME value for n vectors.</summary>
    public static int MmeFor(int nvec) => nvec <= 1 ? 0 : BitOperations.Log2(BitOperations.RoundUpToPowerOf2((uint)nvec));
}
