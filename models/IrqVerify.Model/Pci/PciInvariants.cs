using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Irq;
using IrqVerify.Model.Vector;

namespace IrqVerify.Model.Pci;

/// <summary>
/// PCI MSI / MSI-X invariants (spec §8, I-P1..I-P17) and the two x86 ones that concern the PCI
/// message (I-V8, I-V15). Checks that describe a device "at rest" skip a device whose MSI
/// descriptor lock is held (an enable/disable/alloc is in flight).
/// </summary>
public static class PciInvariants
{
    /// <summary>What every check of this class reads: devices, descriptors and IRTEs, the irq descriptors, the vector domain's installed vectors and the descriptor locks ("at rest").</summary>
    public const StateScope Reads = StateScope.Pci | StateScope.Irqs | StateScope.Vector | StateScope.Locks;

    public static IEnumerable<InvariantCheck> All => InvariantCheck.Reading(Reads,
    [
        new("I-P1", InvariantKind.Safety, "never MSI and MSI-X enabled together", IP1),
        new("I-P2", InvariantKind.Safety, "MSI: nvec_used ≤ 2^MMC ≤ 32, MME = ceil(log2 nvec_used) ≤ MMC", IP2),
        new("I-P3", InvariantKind.Safety, "a multi-MSI IRTE block has size 2^MME, is aligned to it and belongs to the device", IP3),
        new("I-P4", InvariantKind.Safety, "IRTEs are released as exactly the power-of-two blocks that were allocated", IP4),
        new("I-P5", InvariantKind.Safety, "a descriptor's irqs are desc->irq .. desc->irq + nvec_used - 1 and belong to it", IP5),
        new("I-P6", InvariantKind.Safety, "with early activation every irq of a descriptor was activated at allocation", IP6),
        new("I-P7", InvariantKind.Safety, "the MSI mask register equals the cached mask word", IP7),
        new("I-P8", InvariantKind.Safety, "MSI mask bits beyond the capable vectors are never set", IP8),
        new("I-P9", InvariantKind.Safety, "a device in INTx mode owns no descriptors, irqs or IRTEs and has its pin irq back", IP9),
        new("I-P10", InvariantKind.Safety, "no irq is freed while still activated", IP10),
        new("I-P11", InvariantKind.Safety, "pci_alloc_irq_vectors returned min ≤ n ≤ max matching the mode it enabled", IP11),
        new("I-P12", InvariantKind.Safety, "a failed enable leaves MSI/MSI-X disabled, MSI mask bits restored, no descriptors", IP12),
        new("I-P13", InvariantKind.Safety, "MSI-X entries are masked while rewritten and unless they belong to an allocated vector", IP13),
        new("I-P14", InvariantKind.Safety, "MSI-X descriptors: unique indices < table size, only while MSI-X is enabled", IP14),
        new("I-P15", InvariantKind.Safety, "no handler is still requested on the irqs of a torn-down descriptor or an INTx-mode device", IP15),
        new("I-P16", InvariantKind.Safety, "MSI shutdown leaves the capable vectors unmasked, MSI-X leaves every entry masked", IP16),
        new("I-P17", InvariantKind.Safety, "without MSI_FLAG_MULTI_PCI_MSI (no remapping, no contiguous vectors) MSI uses one vector", IP17),
        new("I-V8", InvariantKind.Safety, "every (destination, vector) a non-remapped device can emit, and every present IRTE, hits its irq's installed or a retrigger-marked vector", IV8),
        new("I-V15", InvariantKind.Safety, "without remapping each virq has its own vector; a contiguous multi-MSI block is aligned on one CPU", IV15),
    ]);

    private static bool AtRest(Machine m, PciDevice dev) => m.Locks.IsFree(dev.DescLock);

    private static DescWalk AllDescs(PciDevice dev) => new(dev);

    /// <summary>The device's descriptors, then its leaked and reserved ones; a struct, so the checks
    /// that walk them after every step allocate nothing.</summary>
    private readonly struct DescWalk(PciDevice dev)
    {
        public Enumerator GetEnumerator() => new(dev);

        public struct Enumerator(PciDevice dev)
        {
            private int _part, _i = -1;
            public MsiDescriptor Current { get; private set; } = null!;

            public bool MoveNext()
            {
                for (; _part < 3; _part++, _i = -1)
                {
                    int n = _part switch { 0 => dev.Descriptors.Count, 1 => dev.Leaked.Count, _ => dev.Reserved.Count };
                    if (++_i >= n) continue;
                    Current = _part switch { 0 => dev.Descriptors.Values[_i], 1 => dev.Leaked[_i], _ => dev.Reserved[_i] };
                    return true;
                }
                return false;
            }
        }
    }

    private static bool OwnedBy(IrqDesc d, PciDevice dev) => d.Allocated && d.Owner == IrqOwner.PciMsi && d.OwnerIndex == dev.Index;

    /// <summary>I-P1.</summary>
    public static void IP1(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (dev.MsiEnabled && dev.MsixEnabled)
                v.Add(new("I-P1", $"{dev.Name}: msi_enabled and msix_enabled both set"));
            if (dev.Msi is { Enable: true } && dev.Msix is { Enable: true })
                v.Add(new("I-P1", $"{dev.Name}: MSI and MSI-X enable bits both set in the function"));
        }
    }

    /// <summary>I-P2.</summary>
    public static void IP2(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (dev.Msi is not { } c || dev.MsiDesc is not { } d) continue;
            int cap = 1 << c.Mmc;
            if (d.NvecUsed < 1 || d.NvecUsed > cap || cap > 32)
                v.Add(new("I-P2", $"{dev.Name}: nvec_used {d.NvecUsed} outside 1..2^MMC={cap}"));
            if (d.Multiple != PciBus.MmeFor(d.NvecUsed) || d.Multiple > c.Mmc)
                v.Add(new("I-P2", $"{dev.Name}: MME {d.Multiple} for {d.NvecUsed} vectors (MMC {c.Mmc})"));
            if (c.Enable && c.Mme != d.Multiple)
                v.Add(new("I-P2", $"{dev.Name}: Message Control MME {c.Mme} differs from desc->multiple {d.Multiple}"));
        }
    }

    /// <summary>I-P3.</summary>
    public static void IP3(Machine m, List<Violation> v)
    {
        if (m.Pci.Irte is not { } t) return;
        foreach (var dev in m.Pci.Devices)
            foreach (var d in AllDescs(dev))
            {
                if (d.IrteBase < 0) continue;
                int size = 1 << d.Multiple;
                if (d.IrteCount != size || d.IrteBase % size != 0)
                    v.Add(new("I-P3", $"{dev.Name}: {d}: IRTE block {d.IrteBase}+{d.IrteCount} is not a 2^MME={size} aligned block"));
                for (int i = d.IrteBase; i < d.IrteBase + size && i < t.Count; i++)
                    if (!t.Entries[i].Allocated || t.Entries[i].Device != dev.Index)
                        v.Add(new("I-P3", $"{dev.Name}: {d}: vector {i - d.IrteBase} selects IRTE {i}, which does not belong to the device"));
            }
    }

    /// <summary>I-P4.</summary>
    public static void IP4(Machine m, List<Violation> v)
    {
        if (m.Pci.Irte is not { } t) return;
        Span<int> owner = t.Count <= 1024 ? stackalloc int[t.Count] : new int[t.Count];
        owner.Fill(-1);
        foreach (var dev in m.Pci.Devices)
            foreach (var d in AllDescs(dev))
                for (int i = d.IrteBase; d.IrteBase >= 0 && i < d.IrteBase + d.IrteCount && i < t.Count; i++)
                {
                    if (owner[i] >= 0) v.Add(new("I-P4", $"IRTE {i} is in two allocated blocks"));
                    owner[i] = dev.Index;
                    if (!t.Entries[i].Allocated) v.Add(new("I-P4", $"{dev.Name}: {d}: IRTE {i} of its block was released on its own"));
                }
        for (int i = 0; i < t.Count; i++)
            if (t.Entries[i].Allocated && owner[i] < 0)
                v.Add(new("I-P4", $"IRTE {i} (dev{t.Entries[i].Device}) is allocated but belongs to no descriptor's block: leaked"));
    }

    /// <summary>I-P5.</summary>
    public static void IP5(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            foreach (var d in AllDescs(dev))
            {
                if (!d.Associated) continue;
                for (int k = 0; k < d.NvecUsed; k++)
                {
                    var irq = m.Irqs.All[Math.Min(d.Irq + k, m.Irqs.Count - 1)];
                    int sub = d.IsMsix ? d.MsiIndex : k;
                    if (d.Irq + k >= m.Irqs.Count || !OwnedBy(irq, dev) || irq.OwnerSub != sub)
                        v.Add(new("I-P5", $"{dev.Name}: {d}: irq {d.Irq + k} is not its vector {k}"));
                }
            }
            foreach (var irq in m.Irqs.AllocatedDescs())
                if (OwnedBy(irq, dev) && dev.DescriptorOf(irq.Irq) is null && AtRest(m, dev))
                    v.Add(new("I-P5", $"{dev.Name}: irq {irq.Irq} belongs to no descriptor"));
            if (dev.MsiEnabled && dev.MsiDesc is { } md && dev.Irq != md.Irq)
                v.Add(new("I-P5", $"{dev.Name}: dev->irq {dev.Irq} is not the first MSI irq {md.Irq}"));
        }
    }

    /// <summary>I-P6.</summary>
    public static void IP6(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (!AtRest(m, dev)) continue;
            foreach (var d in AllDescs(dev))
                for (int k = 0; d.Associated && k < d.NvecUsed; k++)
                    if (!d.EarlyActivated[k])
                        v.Add(new("I-P6", $"{dev.Name}: {d}: irq {d.Irq + k} was not activated at allocation"));
        }
    }

    /// <summary>I-P7.</summary>
    public static void IP7(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
            if (dev.Msi is { MaskBit: true } c && dev.MsiDesc is { CanMask: true, MaskUpdatesInFlight: 0 } d && c.MaskReg != d.Masked)
                v.Add(new("I-P7", $"{dev.Name}: MSI mask register 0x{c.MaskReg:x8} differs from the cached mask 0x{d.Masked:x8}"));
    }

    /// <summary>I-P8.</summary>
    public static void IP8(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (dev.Msi is not { } c) continue;
            uint beyond = c.MaskReg & ~c.CapableMask;
            if (beyond != 0) v.Add(new("I-P8", $"{dev.Name}: MSI mask bits 0x{beyond:x8} beyond the {c.CapableVectors} capable vectors are set"));
        }
    }

    /// <summary>I-P9.</summary>
    public static void IP9(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (dev.Mode != DeviceMode.Intx || !AtRest(m, dev)) continue;
            if (dev.Descriptors.Count > 0) v.Add(new("I-P9", $"{dev.Name}: INTx mode with {dev.Descriptors.Count} MSI descriptor(s)"));
            foreach (var irq in m.Irqs.AllocatedDescs())
                if (OwnedBy(irq, dev) && !Leaked(dev, irq.Irq))
                    v.Add(new("I-P9", $"{dev.Name}: INTx mode but irq {irq.Irq} is still allocated for it"));
            if (m.Pci.Irte is { } t)
                for (int i = 0; i < t.Count; i++)
                    if (t.Entries[i].Allocated && t.Entries[i].Device == dev.Index && !LeakedIrte(dev, i))
                        v.Add(new("I-P9", $"{dev.Name}: INTx mode but IRTE {i} is still allocated for it"));
            if (dev.Irq != dev.PinIrq) v.Add(new("I-P9", $"{dev.Name}: dev->irq {dev.Irq} is not the pin irq {dev.PinIrq}"));
            if (dev.Msi is { Enable: true } || dev.Msix is { Enable: true } || dev.Msix is { MaskAll: true })
                v.Add(new("I-P9", $"{dev.Name}: INTx mode with MSI/MSI-X control bits still set"));
            if (dev.IntxDisabled) v.Add(new("I-P9", $"{dev.Name}: INTx mode with INTx disabled"));
        }
    }

    private static bool Leaked(PciDevice dev, int irq)
    {
        foreach (var d in dev.Leaked) if (d.Covers(irq)) return true;
        return false;
    }

    private static bool LeakedIrte(PciDevice dev, int index)
    {
        foreach (var d in dev.Leaked) if (d.IrteBase >= 0 && index >= d.IrteBase && index < d.IrteBase + d.IrteCount) return true;
        return false;
    }

    /// <summary>I-P10.</summary>
    public static void IP10(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
            if (dev.FreedWhileActivated > 0)
                v.Add(new("I-P10", $"{dev.Name}: {dev.FreedWhileActivated} irq(s) freed while still activated"));
    }

    /// <summary>I-P11.</summary>
    public static void IP11(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (dev.LastAlloc is not { } a || !AtRest(m, dev)) continue;
            if (a.Mode == DeviceMode.Intx)
            {
                if (a.Result != 1 || a.Min != 1 || dev.PinIrq == 0)
                    v.Add(new("I-P11", $"{dev.Name}: INTx fallback returned {a.Result} (min {a.Min}, pin irq {dev.PinIrq})"));
                continue;
            }
            if (a.Result < a.Min || a.Result > a.Max)
                v.Add(new("I-P11", $"{dev.Name}: pci_alloc_irq_vectors returned {a.Result} outside [{a.Min}, {a.Max}]"));
            int have = a.Mode == DeviceMode.Msi ? dev.MsiDesc?.NvecUsed ?? 0 : dev.Descriptors.Count;
            if (dev.Mode != a.Mode || have != a.Result)
                v.Add(new("I-P11", $"{dev.Name}: pci_alloc_irq_vectors returned {a.Result} ({a.Mode}) but the device is in {dev.Mode} with {have} vector(s)"));
        }
    }

    /// <summary>I-P12.</summary>
    public static void IP12(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (dev.IntxReason != IntxReason.FailedEnable || dev.Mode != DeviceMode.Intx || !AtRest(m, dev)) continue;
            if (dev.Msi is { MaskBit: true } c && (c.MaskReg & c.CapableMask) != 0)
                v.Add(new("I-P12", $"{dev.Name}: failed enable left MSI mask bits 0x{c.MaskReg:x8} set"));
            if (dev.Descriptors.Count > 0)
                v.Add(new("I-P12", $"{dev.Name}: failed enable left {dev.Descriptors.Count} descriptor(s)"));
            if (dev.Msi is { Enable: true } || dev.Msix is { Enable: true } || dev.Msix is { MaskAll: true })
                v.Add(new("I-P12", $"{dev.Name}: failed enable left MSI/MSI-X enabled in the function"));
        }
    }

    /// <summary>I-P13.</summary>
    public static void IP13(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (dev.Msix is not { } x) continue;
            for (int i = 0; i < x.Size; i++)
            {
                var e = x.Entries[i];
                if (e.WriteInProgress && !e.Masked && !x.MaskAll)
                    v.Add(new("I-P13", $"{dev.Name}: MSI-X entry {i} rewritten while unmasked"));
                if (!e.Masked && !(dev.Descriptors.TryGetValue(i, out var d) && d.Associated))
                    v.Add(new("I-P13", $"{dev.Name}: MSI-X entry {i} unmasked without an allocated vector"));
            }
        }
    }

    /// <summary>I-P14.</summary>
    public static void IP14(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            int msix = 0;
            foreach (var (key, d) in dev.Descriptors)
            {
                if (!d.IsMsix) continue;
                msix++;
                if (key != d.MsiIndex || d.MsiIndex < 0 || dev.Msix is null || d.MsiIndex >= dev.Msix.Size)
                    v.Add(new("I-P14", $"{dev.Name}: MSI-X descriptor index {d.MsiIndex} (slot {key}) invalid for table size {dev.Msix?.Size ?? 0}"));
            }
            if (!AtRest(m, dev)) continue;
            if (msix > 0 && !dev.MsixEnabled)
                v.Add(new("I-P14", $"{dev.Name}: {msix} MSI-X descriptor(s) while MSI-X is disabled"));
            if (dev.Msix is { } x && x.Enable != dev.MsixEnabled)
                v.Add(new("I-P14", $"{dev.Name}: MSI-X enable bit {x.Enable} but msix_enabled {dev.MsixEnabled}"));
        }
    }

    /// <summary>I-P15.</summary>
    public static void IP15(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            foreach (var d in dev.Leaked)
                for (int k = 0; d.Associated && k < d.NvecUsed; k++)
                    if (m.Irqs[d.Irq + k] is { Action: not null })
                        v.Add(new("I-P15", $"{dev.Name}: irq {d.Irq + k} still has a handler after its descriptor was torn down"));
            if (dev.Mode != DeviceMode.Intx || !AtRest(m, dev)) continue;
            foreach (var irq in m.Irqs.AllocatedDescs())
                if (OwnedBy(irq, dev) && irq.Action is not null && !Leaked(dev, irq.Irq))
                    v.Add(new("I-P15", $"{dev.Name}: INTx mode but MSI irq {irq.Irq} still has a handler"));
        }
    }

    /// <summary>I-P16.</summary>
    public static void IP16(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (dev.Mode != DeviceMode.Intx || !AtRest(m, dev)) continue;
            if (dev.IntxReason == IntxReason.MsiShutdown && dev.Msi is { MaskBit: true } c && (c.MaskReg & c.CapableMask) != 0)
                v.Add(new("I-P16", $"{dev.Name}: MSI shut down with mask bits 0x{c.MaskReg:x8} still set"));
            if (dev.Msix is { } x)
                for (int i = 0; i < x.Size; i++)
                    if (!x.Entries[i].Masked)
                        v.Add(new("I-P16", $"{dev.Name}: MSI-X disabled with entry {i} unmasked"));
        }
    }

    /// <summary>I-P17: a multi-vector MSI on a device without remapping exists only as a contiguous
    /// vector block (the seed-001 variant's vector domain is the only one offering it).</summary>
    public static void IP17(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (dev.Remapped || dev.MsiDesc is not { } d) continue;
            bool multi = d.NvecUsed > 1 || d.Multiple > 0 || dev.Msi is { Enable: true, Mme: > 0 };
            if (!multi) continue;
            bool block = d.Associated && m.Vector.Apic(d.Irq) is { IsBlock: true } a && a.BlockSize == d.NvecUsed;
            if (!block)
                v.Add(new("I-P17", $"{dev.Name}: {d.NvecUsed}-vector MSI (MME {d.Multiple}) on a domain without MSI_FLAG_MULTI_PCI_MSI"));
        }
    }

    /// <summary>
    /// I-V8: for every non-remapped vector that can signal now, the (dest, vector) its current message
    /// produces is the intended irq's installed vector, a retrigger mark, the shutdown vector
    /// (reservation mode), or — while the careful update runs — anything on the local CPU (its IRR
    /// is checked afterwards). Every present IRTE likewise.
    /// </summary>
    public static void IV8(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (dev.Remapped) continue;
            if (dev.Msi is { Enable: true } c && dev.MsiDesc is { Associated: true } d)
                for (int k = 0; k < d.NvecUsed; k++)
                    if (!(c.MaskBit && (c.MaskReg >> k & 1) != 0))
                        CheckTarget(m, dev, c.Message.ForVector(k, c.Mme), d.Irq + k, $"MSI vector {k}", v);
            if (dev.Msix is { } x)
                foreach (var (i, xd) in dev.Descriptors)
                    if (xd.IsMsix && xd.Associated && i < x.Size && x.CanSignal(i))
                        CheckTarget(m, dev, x.Entries[i].Message, xd.Irq, $"MSI-X entry {i}", v);
        }
        if (m.Pci.Irte is not { } t) return;
        for (int i = 0; i < t.Count; i++)
        {
            var e = t.Entries[i];
            if (!e.Present || e.Vector == VectorDomain.ManagedIrqShutdownVector || m.Irqs[e.Irq] is not { Started: true }) continue;
            if (e.Cpu < 0 || e.Cpu >= m.Config.Cpus || m.Vector.VectorIrq(e.Cpu, e.Vector) != e.Irq)
                v.Add(new("I-V8", $"IRTE {i} of irq {e.Irq} sends to cpu{e.Cpu}/0x{e.Vector:x2}, not its installed vector"));
        }
    }

    private static void CheckTarget(Machine m, PciDevice dev, MsiMessage msg, int irq, string what, List<Violation> v)
    {
        if (!msg.IsValid || msg.IsRemapped || msg.Vector == VectorDomain.ManagedIrqShutdownVector) return;
        // An activated irq that is not started cannot fire yet; irq_setup_affinity retargets it at startup.
        if (m.Irqs[irq] is not { Started: true }) return;
        int cpu = msg.DestCpu;
        if (cpu >= m.Config.Cpus)
        {
            v.Add(new("I-V8", $"{dev.Name}: {what} of irq {irq} targets non-existent CPU{cpu}"));
            return;
        }
        int entry = m.Vector.VectorIrq(cpu, msg.Vector);
        if (entry == irq || entry == VectorDomain.VectorRetriggered || dev.CarefulCpu == cpu) return;
        v.Add(new("I-V8", $"{dev.Name}: {what} of irq {irq} would send cpu{cpu}/0x{msg.Vector:x2}, which is {(entry >= 0 ? $"irq {entry}" : "not installed")}"));
    }

    /// <summary>I-V15.</summary>
    public static void IV15(Machine m, List<Violation> v)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (dev.Remapped) continue;
            var seen = new HashSet<(int, int)>();
            foreach (var d in AllDescs(dev))
            {
                if (!d.Associated) continue;
                if (d.NvecUsed > 1 && m.Vector.Apic(d.Irq) is { Vector: > 0 } first)
                {
                    int size = 1 << d.Multiple;
                    if (first.Vector % size != 0)
                        v.Add(new("I-V15", $"{dev.Name}: multi-MSI base vector 0x{first.Vector:x2} not aligned to {size}"));
                    for (int k = 1; k < d.NvecUsed; k++)
                        if (m.Vector.Apic(d.Irq + k) is not { } a || a.Cpu != first.Cpu || a.Vector != first.Vector + k)
                            v.Add(new("I-V15", $"{dev.Name}: multi-MSI vector {k} (irq {d.Irq + k}) is not base+{k} on CPU{first.Cpu}"));
                    continue;
                }
                for (int k = 0; k < d.NvecUsed; k++)
                    if (m.Vector.Apic(d.Irq + k) is { Vector: > 0 } a && a.Vector != VectorDomain.ManagedIrqShutdownVector && !seen.Add((a.Cpu, a.Vector)))
                        v.Add(new("I-V15", $"{dev.Name}: irq {d.Irq + k} shares cpu{a.Cpu}/0x{a.Vector:x2} with another vector of the device"));
            }
        }
    }
}
