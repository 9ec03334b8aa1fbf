using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;
using IrqVerify.Model.Vector;

namespace IrqVerify.Model.Pci;

/// <summary>
/// "PCI-MSI" straight over the x86 vector domain (arch/x86/kernel/apic/msi.c). The message carries
/// (dest APIC, vector), so it cannot be retargeted from process context: moves are deferred to the
/// next interrupt (IRQCHIP_MOVE_DEFERRED), and msi_set_affinity picks a direct write or the careful
/// two-step update by IRQD_CAN_RESERVE (§2.6, K4, K15, known finding F6).
/// </summary>
public sealed class X86MsiChip(Machine m, PciBus bus) : PciMsiChip(m, bus)
{
    public override string Name => "PCI-MSI";
    public override bool MoveDeferred => true;

    /// <summary>irq_msi_compose_msg. Multi-MSI (contiguous variant) sends the first irq's base vector.</summary>
    protected override MsiMessage Program(PciDevice dev, MsiDescriptor desc, int k, IrqDesc d)
    {
        var (cpu, vector) = M.Vector.Target(desc.Irq);
        return MsiMessage.Compat(cpu, vector);
    }

    /// <summary>
    /// msi_set_affinity. Direct write when !irqd_can_reserve(irqd), the vector or the destination is
    /// unchanged, the old vector was the shutdown vector, or the irq is not started (msi.c:65).
    /// Otherwise, on the current target CPU under vector_lock: mark the new vector retriggered on the
    /// local CPU, write (old CPU, new vector), write (new CPU, new vector), unlock, and retrigger if
    /// the new vector is pending in the local IRR; the device may fire at any of the yields.
    /// Reservation mode is only set for maskable MSI, so upstream runs the careful path for maskable
    /// MSI (masked around every move anyway) and writes a non-maskable one directly: the torn
    /// (new CPU, old vector) pair is live between the address and the data write (F6). K4 (before the
    /// careful path existed) and K15 (its flag never set) write every MSI directly.
    /// </summary>
    public override IEnumerable<Sched> SetAffinity(IrqDesc d, CpuMask dest, bool force, OpResult result)
    {
        yield return Sched.Under("msi_set_affinity.apic_set_affinity", LockRef.VectorLock);
        if (!Bus.TryLookup(d, out var dev, out var desc, out _)) { result.Fail(Errno.EINVAL); yield break; }
        var old = M.Vector.Target(d.Irq);
        var e = M.Vector.SetAffinity(d, dest, force);
        if (e != Errno.Ok) { result.Fail(e); yield break; }
        var now = M.Vector.Target(desc.Irq);
        if (desc.Irq != d.Irq && desc.NvecUsed > 1) { result.Set(0); yield break; }

        bool unsafeMove = now.vector != old.vector && now.cpu != old.cpu
            && old.vector != VectorDomain.ManagedIrqShutdownVector && d.Started;
        bool direct = !d.CanReserve || !unsafeMove || M.Variants.K4 || M.Variants.K15;
        if (!direct && M.CurrentCpu != old.cpu)
        {
            M.Warn("msi_set_affinity", $"irq {d.Irq}: careful update not on the target CPU{old.cpu} (running on CPU{M.CurrentCpu})");
            direct = true;
        }
        if (direct && unsafeMove && !desc.IsMsix && !desc.CanMask)
            M.Info("msi_set_affinity", Verdict.Judge.TornMessageText(d.Irq, dev.Name, now.cpu, old.vector));
        var msg = MsiMessage.Compat(now.cpu, now.vector);
        if (direct)
        {
            foreach (var s in Bus.WriteMessageSteps(dev, desc, msg)) yield return s;
            result.Set(0);
            yield break;
        }

        yield return Sched.Under("msi_set_affinity.lock_vector_lock", LockRef.VectorLock);
        M.Acquire(LockRef.VectorLock);
        int local = old.cpu;
        dev.CarefulCpu = local;
        M.Vector.MarkRetriggeredIfUnused(local, now.vector);
        PciBus.WriteMessageNow(dev, desc, MsiMessage.Compat(old.cpu, now.vector));
        M.Trace?.Effect($"irq {d.Irq}: careful step 1: cpu{old.cpu}/0x{now.vector:x2}");
        yield return Sched.At("msi_set_affinity.new_destination");
        PciBus.WriteMessageNow(dev, desc, msg);
        M.Trace?.Effect($"irq {d.Irq}: careful step 2: {msg}");
        yield return Sched.At("msi_set_affinity.unlock_vector_lock");
        dev.CarefulCpu = -1;
        M.Release(LockRef.VectorLock);
        if (M.Vector.IrrPending(local, now.vector))
        {
            M.Trace?.Effect($"irq {d.Irq}: vector 0x{now.vector:x2} pending in CPU{local} IRR: retrigger");
            M.Vector.Retrigger(d);
        }
        result.Set(0);
    }
}
