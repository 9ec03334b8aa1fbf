using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Pci;

/// <summary>
/// Per-vector masking at the function: MSI mask bits through the cached mask word under the
/// per-device msi_lock (pci_msi_update_mask), MSI-X vector control bit 0 (pci_msix_mask/unmask).
/// </summary>
public sealed partial class PciBus
{
    /// <summary>
    /// pci_msi_update_mask(desc, clear, set) as one step (msi_lock held inside it): cache and register
    /// change together. No-op unless can_mask. Like msi.c:123-124 it writes <paramref name="set"/>
    /// as given, without clamping it to the capable vectors: I-P8 checks the callers instead.
    /// </summary>
    internal static void MsiUpdateMask(PciDevice dev, MsiDescriptor desc, uint clear, uint set)
    {
        if (!desc.CanMask) return;
        desc.Masked = desc.Masked & ~clear | set;
        dev.Msi!.MaskReg = desc.Masked;
    }

    /// <summary>msi_multi_mask() of a descriptor: the low 2^multi_cap bits (all 32 for multi_cap ≥ 5).</summary>
    internal static uint CapableMask(MsiDescriptor desc) =>
        desc.MultiCap >= 5 ? uint.MaxValue : (1u << (1 << desc.MultiCap)) - 1;

    /// <summary>The irq_chip mask/unmask of vector k, atomically. Unmasking sends a pending vector.</summary>
    internal void MaskVector(PciDevice dev, MsiDescriptor desc, int k, bool mask)
    {
        if (desc.IsMsix)
        {
            var x = dev.Msix!;
            desc.MsixCtrlMasked = mask;
            if (desc.MsiIndex >= x.Size) return;
            x.Entries.Mutable(desc.MsiIndex).Masked = mask;
            if (!mask) DeliverPendingMsix(dev, desc.MsiIndex);
            return;
        }
        uint bit = 1u << k;
        MsiUpdateMask(dev, desc, mask ? 0 : bit, mask ? bit : 0);
        if (!mask && dev.Msi!.Enable) DeliverPendingMsi(dev, k);
    }

    /// <summary>
    /// pci_msi_mask_irq / pci_msi_unmask_irq(irq) called from a CPU (the chip callback as an
    /// operation, so concurrent updates of one device's shared MSI mask word can interleave).
    /// -EINVAL for an irq that is not a PCI/MSI irq. Unmasking an irq that is not started, or that
    /// the irq core has masked (IRQD_IRQ_MASKED: disable_irq, a flow handler's mask_ack), is caller
    /// misuse (-EINVAL, nothing written): the core owns that mask (unmask_irq clears the flag with
    /// the bit), and a vector unmasked behind its back is one the core thinks masked, so
    /// migrate_one_irq does not mask it around a move (I-V8) and pci_msix_free_irq leaves it
    /// unmasked (I-P13).
    /// </summary>
    public IEnumerable<Sched> MaskIrqOp(int irq, bool mask, OpResult r)
    {
        yield return Sched.At(mask ? "pci_msi_mask_irq" : "pci_msi_unmask_irq");
        if (m.Irqs[irq] is not { } d || !TryLookup(d, out var dev, out var desc, out int k)) { r.Fail(Errno.EINVAL); yield break; }
        if (!mask && (!d.Started || d.Masked))
        {
            string why = d.Started ? "is masked by the irq core (enable_irq unmasks it)" : "is not started (request_irq/enable_irq unmask it)";
            m.Misuse("pci_msi_unmask_irq", $"irq {irq} {why}: its mask belongs to the irq core");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        if (desc.IsMsix || !desc.CanMask) { MaskVector(dev, desc, k, mask); r.Set(0); yield break; }
        foreach (var s in UpdateMaskSteps(dev, desc, k, mask)) yield return s;
        r.Set(0);
    }

    /// <summary>
    /// The MSI mask update of one vector. Reference: one step under msi_lock. K8 (pre-fix): the cached
    /// read-modify-write and the register write are separate, unlocked steps, so two CPUs updating
    /// different vectors can leave the register disagreeing with the cache (I-P7).
    /// </summary>
    private IEnumerable<Sched> UpdateMaskSteps(PciDevice dev, MsiDescriptor desc, int k, bool mask)
    {
        uint bit = 1u << k;
        if (!m.Variants.K8)
        {
            yield return Sched.Under("pci_msi_update_mask.msi_lock", dev.MaskLock);
            MaskVector(dev, desc, k, mask);
            yield break;
        }
        desc.Masked = mask ? desc.Masked | bit : desc.Masked & ~bit;
        uint value = desc.Masked;
        desc.MaskUpdatesInFlight++;
        yield return Sched.At("pci_msi_update_mask.write_register");
        dev.Msi!.MaskReg = value;
        desc.MaskUpdatesInFlight--;
        if (!mask) DeliverPendingMsi(dev, k);
    }

    /// <summary>The chip callback on an irq (irq_mask / irq_unmask).</summary>
    internal void MaskIrq(IrqDesc d, bool mask)
    {
        if (TryLookup(d, out var dev, out var desc, out int k)) MaskVector(dev, desc, k, mask);
    }
}
