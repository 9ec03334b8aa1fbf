using IrqVerify.Model.Core;

namespace IrqVerify.Model.Pci;

/// <summary>
/// The function raising an interrupt (environment actor). It composes its message from whatever
/// its registers hold at that instant — a half-rewritten message is sent as is — and the oracle
/// notes the irq the DEVICE MEANT, so a torn or misrouted message shows up as a lost interrupt.
/// </summary>
public sealed partial class PciBus
{
    /// <summary>
    /// device_raise(dev, k): vector k of MSI (k &lt; 2^MME) or MSI-X entry k. Masked → the pending
    /// bit is set instead. -EINVAL: no such device or vector; -ENXIO: neither MSI nor MSI-X is enabled
    /// in the function (INTx is not modelled).
    /// </summary>
    public IEnumerable<Sched> Raise(int devIndex, int k, OpResult r)
    {
        var dev = Device(devIndex);
        if (dev is null || k < 0) { r.Fail(Errno.EINVAL); yield break; }
        if (dev.Msi is { Enable: true } c)
        {
            if (k >= 1 << c.Mme) { r.Fail(Errno.EINVAL); yield break; }
            if (c.MaskBit && (c.MaskReg >> k & 1) != 0)
            {
                c.PendingReg |= 1u << k;
                m.Trace?.Effect($"{dev.Name}: MSI vector {k} masked: pending");
            }
            else EmitMsi(dev, k, raised: true);
            r.Set(0);
            yield break;
        }
        if (dev.Msix is { Enable: true } x)
        {
            if (k >= x.Size) { r.Fail(Errno.EINVAL); yield break; }
            if (!x.CanSignal(k))
            {
                x.Pending[k] = true;
                m.Trace?.Effect($"{dev.Name}: MSI-X entry {k} masked: pending");
            }
            else EmitMsix(dev, k, raised: true);
            r.Set(0);
            yield break;
        }
        r.Fail(Errno.ENXIO);
    }

    private void EmitMsi(PciDevice dev, int k, bool raised = false)
    {
        var c = dev.Msi!;
        var desc = dev.MsiDesc;
        int meant = desc is not null && k < desc.NvecUsed && desc.Associated ? desc.Irq + k : 0;
        Emit(dev, c.Message.ForVector(k, c.Mme), meant, raised);
    }

    private void EmitMsix(PciDevice dev, int i, bool raised = false)
    {
        int meant = dev.Descriptors.TryGetValue(i, out var desc) && desc.Associated ? desc.Irq : 0;
        Emit(dev, dev.Msix!.Entries[i].Message, meant, raised);
    }

    /// <summary>The memory write reaches the interrupt fabric: remapped through its IRTE, or straight
    /// to (dest APIC, vector). A message that targets nothing is dropped. <paramref name="raised"/>:
    /// the device raised it just now (not a pending bit sent out by an unmask).</summary>
    private void Emit(PciDevice dev, MsiMessage msg, int meantIrq, bool raised)
    {
        if (meantIrq > 0 && m.Irqs[meantIrq] is { } meant)
        {
            // The managed-irq contract: the driver quiesces the device before the last CPU of a
            // managed irq goes down (blk_mq_hctx_notify_offline); the hardware still sends, nobody owes a handler run.
            if (meant.DeviceQuiesced && (raised || !meant.ManagedRestart))
                m.Misuse("device_raise", $"{dev.Name} raises irq {meantIrq}, a managed irq shut down with its last CPU{(meant.ManagedRestart ? " and not yet restarted" : "")}: the driver must quiesce the device first");
            else m.Irq.NoteRaised(meant);
        }
        if (!msg.IsValid)
        {
            m.Trace?.Effect($"{dev.Name}: message {msg} targets nothing: dropped");
            return;
        }
        int cpu, vector;
        if (msg.IsRemapped)
        {
            int idx = msg.IrteIndex;
            if (Irte is null || idx >= Irte.Count || !Irte.Entries[idx].Present)
            {
                m.Trace?.Effect($"{dev.Name}: IRTE {idx} not present: remapping fault, dropped");
                return;
            }
            (cpu, vector) = (Irte.Entries[idx].Cpu, Irte.Entries[idx].Vector);
        }
        else (cpu, vector) = (msg.DestCpu, msg.Vector);
        if (cpu >= m.Config.Cpus)
        {
            m.Trace?.Effect($"{dev.Name}: message {msg} to a non-existent APIC: dropped");
            return;
        }
        m.Trace?.Effect($"{dev.Name}: message {msg} -> cpu{cpu} vector 0x{vector:x2} (meant irq {meantIrq})");
        if (meantIrq > 0 && m.Irqs[meantIrq] is { } target) m.Irq.NoteDeferredRestartLoss(target, cpu);
        m.Vector.Deliver(cpu, vector);
    }

    /// <summary>Sends MSI vector k if it is pending and can signal now.</summary>
    internal void DeliverPendingMsi(PciDevice dev, int k)
    {
        var c = dev.Msi!;
        uint bit = 1u << k;
        if (!c.Enable || (c.PendingReg & bit) == 0 || (c.MaskReg & bit) != 0) return;
        c.PendingReg &= ~bit;
        EmitMsi(dev, k);
    }

    /// <summary>Sends MSI-X entry i if it is pending and can signal now.</summary>
    internal void DeliverPendingMsix(PciDevice dev, int i)
    {
        var x = dev.Msix!;
        if (!x.Pending[i] || !x.CanSignal(i)) return;
        x.Pending[i] = false;
        EmitMsix(dev, i);
    }
}
