using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;
using static IrqVerify.Model.Vector.VectorSpace;

namespace IrqVerify.Model.Vector;

/// <summary>CPU hot-unplug and hotplug, x86 side (spec §2.7): the multi-step offline sequence and lapic_online.</summary>
public sealed partial class VectorDomain
{
    /// <summary>
    /// Offline <paramref name="cpu"/> (serialised by cpu_hotplug_lock). takedown_cpu runs
    /// take_cpu_down under stop_machine: it starts once no other CPU holds a spinlock or runs an
    /// interrupt handler, and from then until the CPU is dead no other CPU runs kernel code; only
    /// devices (and the hypervisor) act. Inside: lapic_can_unplug_cpu (-ENOSPC refusal, I-V17) →
    /// cpu_disable_common clears the CPU from the online mask → fixup_irqs (migrate every irq, wait
    /// for interrupts in flight, then retrigger what is pending in this IRR, I-V19) → lapic_offline
    /// (flush the cleanup queue, matrix offline, cancel the timer). -EINVAL: not online; -EBUSY: the
    /// last online CPU.
    /// </summary>
    public IEnumerable<Sched> CpuOffline(int cpu, OpResult r)
    {
        yield return Sched.When("cpu_hotplug_lock", () => !HotplugBusy);
        if (cpu < 0 || cpu >= _cpus.Length || !IsOnline(cpu)) { r.Fail(Errno.EINVAL); yield break; }
        if (OnlineMask.Count == 1) { r.Fail(Errno.EBUSY); yield break; }
        HotplugBusy = true;

        int me = _m.CurrentThreadId;
        yield return Sched.When("stop_machine.lapic_can_unplug_cpu", () => StopMachineMayStart(me));
        _m.Acquire(LockRef.StopMachine);
        var e = CanUnplug(cpu);
        if (e != Errno.Ok) { _m.Release(LockRef.StopMachine); HotplugBusy = false; r.Fail(e); yield break; }

        yield return Sched.Under("cpu_disable_common", LockRef.VectorLock);
        OnlineMask = OnlineMask.Without(cpu);
        _cpus[cpu].State = CpuState.GoingDown;
        _m.Trace?.Effect($"hotplug: CPU{cpu} cleared from cpu_online_mask");

        // vector_lock is dropped before fixup_irqs(), but under stop_machine only devices act here:
        // they still latch interrupts into this CPU's IRR.
        yield return Sched.At("cpu_disable_common.fixup_irqs");
        foreach (var s in CpuHotplug.MigrateAllOffThisCpu(_m, cpu)) yield return s;

        yield return Sched.At("fixup_irqs.mdelay");
        FixupIrqsScan(cpu);

        yield return Sched.Under("lapic_offline", LockRef.VectorLock);
        LapicOffline(cpu);
        _m.Release(LockRef.StopMachine);
        HotplugBusy = false;
        r.Set(0);
    }

    /// <summary>multi_cpu_stop needs every other CPU in its stopper thread: none may hold a spinlock
    /// (it cannot be preempted) or be inside an interrupt handler or a Xen upcall (interrupts off).</summary>
    private bool StopMachineMayStart(int me) =>
        !_m.Locks.SpinlockHeldByOther(me) && InIrq == 0 && (_m.Xen is null || !_m.Xen.UpcallRunning);

    /// <summary>lapic_can_unplug_cpu: refuse if the CPU's non-managed vectors do not fit elsewhere.</summary>
    private Errno CanUnplug(int cpu)
    {
        int toMove = _m.Matrix.Allocated(cpu);
        int avl = _m.Matrix.Available(cpu, cpudown: true);
        int rsvd = _m.Matrix.Reserved();
        var map = _m.Matrix.Map(cpu);
        var e = avl < toMove ? Errno.ENOSPC : Errno.Ok;
        LastUnplugCheck = new UnplugCheck(cpu, toMove, avl, rsvd, map.Allocated - map.ManagedAllocated, e);
        if (e != Errno.Ok)
            _m.Info("lapic_can_unplug_cpu", $"CPU {cpu} has {toMove} vectors, {avl} available. Cannot disable CPU");
        else if (avl < rsvd)
            _m.Info("lapic_can_unplug_cpu", $"Reserved vectors {rsvd} > available {avl}. IRQ request may fail");
        return e;
    }

    /// <summary>
    /// fixup_irqs' scan of the outgoing CPU (no lock: the CPU is already !online): every live vector
    /// pending in the IRR is retriggered at the irq's new target and marked RETRIGGERED; every other
    /// descriptor entry becomes UNUSED. As in fixup_irqs the mark depends only on the chip having an
    /// irq_retrigger (every modelled chip has) and the IRR bit stays set (the CPU dies with it); a
    /// retrigger that sent nothing (no vector to send to) is the oracle's stranded record (I-V19).
    /// </summary>
    private void FixupIrqsScan(int cpu)
    {
        var c = _cpus[cpu];
        for (int v = FirstExternalVector; v < NrVectors; v++)
        {
            int entry = c.VectorIrq[v];
            if (!IsDesc(entry)) continue;
            if (c.Irr.Test(v))
            {
                var d = _m.Irqs[entry];
                if (d?.Chip is not null)
                {
                    if (!d.Chip.Retrigger(d)) Stranded.Add(new StrandedVector(cpu, v, entry));
                    c.VectorIrq[v] = VectorRetriggered;
                    _m.Trace?.Effect($"fixup_irqs: CPU{cpu} vector 0x{v:x} pending, irq {entry} retriggered");
                }
                else Stranded.Add(new StrandedVector(cpu, v, entry));
            }
            if (c.VectorIrq[v] != VectorRetriggered) c.VectorIrq[v] = VectorUnused;
        }
    }

    /// <summary>lapic_offline: flush this CPU's cleanup queue without the IRR check, matrix offline,
    /// cancel the timer; the CPU is dead afterwards (its IRR is gone).</summary>
    private void LapicOffline(int cpu)
    {
        var c = _cpus[cpu];
        Cleanup(cpu, checkIrr: false);
        _m.Matrix.Offline(cpu);
        c.TimerArmed = false;
        if (c.Cleanup.Count != 0) _m.Warn("lapic_offline", $"CPU{cpu} cleanup queue not empty");
        c.State = CpuState.Offline;
        c.Irr = default;
        _m.Trace?.Effect($"hotplug: CPU{cpu} offline");
    }

    /// <summary>
    /// Online <paramref name="cpu"/>: lapic_online under vector_lock (matrix online, every vector_irq
    /// entry UNUSED — no legacy PIC irqs are modelled), then irq_affinity_online_cpu restarts managed
    /// irqs in managed shutdown whose affinity contains the CPU. -EINVAL: not offline.
    /// </summary>
    public IEnumerable<Sched> CpuOnline(int cpu, OpResult r)
    {
        yield return Sched.When("cpu_hotplug_lock", () => !HotplugBusy);
        if (cpu < 0 || cpu >= _cpus.Length || _cpus[cpu].State != CpuState.Offline) { r.Fail(Errno.EINVAL); yield break; }
        HotplugBusy = true;

        yield return Sched.Under("lapic_online", LockRef.VectorLock);
        var c = _cpus[cpu];
        _m.Matrix.Online(cpu);
        c.ResetVectorIrq();
        c.Irr = default;
        c.State = CpuState.Online;
        OnlineMask = OnlineMask.With(cpu);
        _m.Trace?.Effect($"hotplug: CPU{cpu} online");

        foreach (var s in CpuHotplug.AffinityOnlineCpu(_m, cpu)) yield return s;
        HotplugBusy = false;
        r.Set(0);
    }
}
