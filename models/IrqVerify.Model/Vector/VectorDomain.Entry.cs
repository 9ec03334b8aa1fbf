using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;
using static IrqVerify.Model.Vector.VectorSpace;

namespace IrqVerify.Model.Vector;

/// <summary>The local APICs and the x86 entry path (arch/x86/kernel/irq.c; spec §2.7 "Entry path").</summary>
public sealed partial class VectorDomain
{
    /// <summary>
    /// The LAPIC of <paramref name="cpu"/> receives <paramref name="vector"/>: the IRR bit is set. A dead
    /// CPU drops it (counted; the irq keeps owing a handler run, so I-G2 reports the loss).
    /// </summary>
    public void Deliver(int cpu, int vector)
    {
        if (cpu < 0 || cpu >= _cpus.Length || vector is < 0 or >= NrVectors || _cpus[cpu].State == CpuState.Offline)
        {
            DroppedDeliveries++;
            _m.Info("apic.deliver", $"interrupt vector 0x{vector:x} sent to dead CPU{cpu}: lost");
            return;
        }
        _cpus[cpu].SetIrr(vector);
        _m.Trace?.Effect($"lapic: CPU{cpu} IRR 0x{vector:x}");
    }

    /// <summary>vector_irq[cpu][vector]: an irq number, or VectorUnused/VectorShutdown/VectorRetriggered.</summary>
    public int VectorIrq(int cpu, int vector) => _cpus[cpu].VectorIrq[vector];

    public bool IrrPending(int cpu, int vector) => _cpus[cpu].Irr.Test(vector);

    /// <summary>The careful MSI path (msi_set_affinity): mark the new vector on the local CPU as
    /// VECTOR_RETRIGGERED if it holds no descriptor. True if marked.</summary>
    public bool MarkRetriggeredIfUnused(int cpu, int vector)
    {
        var t = _cpus[cpu].VectorIrq;
        if (IsDesc(t[vector])) return false;
        t[vector] = VectorRetriggered;
        return true;
    }

    /// <summary>hw_irq_cfg of <paramref name="irq"/> (the shutdown vector while reserved or shut down); (-1, 0) if none.</summary>
    public (int cpu, int vector) Target(int irq) => Apic(irq) is { } a ? (a.HwCpu, a.HwVector) : (-1, 0);

    /// <summary>Would an interrupt on (cpu, vector) reach a handler path: an installed descriptor or a retrigger mark.</summary>
    public bool HitsInstalledVector(int cpu, int vector) =>
        cpu >= 0 && cpu < _cpus.Length && vector is >= 0 and < NrVectors &&
        (IsDesc(_cpus[cpu].VectorIrq[vector]) || _cpus[cpu].VectorIrq[vector] == VectorRetriggered);

    /// <summary>apic_retrigger_irq: IPI the current target with the current vector (under vector_lock).</summary>
    public bool Retrigger(IrqDesc d)
    {
        var a = Apic(d.Irq);
        if (a is null || a.Vector == 0) return false;
        Deliver(a.Cpu, a.Vector);
        return true;
    }

    /// <summary>
    /// The device / IO-APIC fires <paramref name="irq"/> at its current hardware target. An event on a
    /// real vector is one a handler must eventually see (NoteRaised); one aimed at the shutdown vector
    /// is discarded by the hardware path.
    /// </summary>
    public Errno Raise(int irq)
    {
        var d = _m.Irqs[irq];
        var a = Apic(irq);
        if (d is null || a is null) return Errno.EINVAL;
        if (a.HwVector == 0 || a.HwVector == ManagedIrqShutdownVector)
        {
            _m.Info("apic_raise", $"irq {irq} fired at the shutdown vector: discarded");
            return Errno.Ok;
        }
        // The managed-irq contract, as for PCI devices (PciBus.Emit): the driver quiesces the device
        // before the last CPU of a managed irq goes; an irq parked in managed shutdown by
        // irq_startup's IRQ_STARTUP_ABORT may still hold a vector on its dead CPU, and what the device
        // sends there is lost, but nobody owes a handler run for it.
        if (d.DeviceQuiesced)
            _m.Misuse("apic_raise", $"irq {irq} raised while a managed irq shut down with its last CPU{(d.ManagedRestart ? " and not yet restarted" : "")}: the driver must quiesce the device first");
        else
        {
            _m.Irq.NoteRaised(d);
            _m.Irq.NoteDeferredRestartLoss(d, a.HwCpu);
        }
        Deliver(a.HwCpu, a.HwVector);
        return Errno.Ok;
    }

    /// <summary>
    /// common_interrupt on <paramref name="cpu"/>: take the highest pending IRR vector; a descriptor in
    /// vector_irq is handled (flow → chip ack → <see cref="AckEdge"/>); anything else is re-evaluated
    /// under vector_lock (reevaluate_vector): UNUSED → "No irq handler", shutdown/retrigger marks →
    /// UNUSED, a descriptor installed meanwhile is handled like the fast path (call_irq_handler).
    /// K3: act on the stale unlocked read.
    /// Result: the vector taken, or -1 when nothing was pending or the CPU takes no interrupts.
    /// </summary>
    public IEnumerable<Sched> Interrupt(int cpu, OpResult r)
    {
        if (cpu < 0 || cpu >= _cpus.Length) { r.Fail(Errno.EINVAL); yield break; }
        var c = _cpus[cpu];
        int v = c.State == CpuState.Online ? c.Irr.HighestSet() : -1;
        if (v < 0) { r.Set(-1); yield break; }
        c.ClearIrr(v);
        InIrq++;
        int entry = c.VectorIrq[v];
        if (IsDesc(entry) && _m.Irqs[entry] is { } d && d.Chip is not null)
        {
            if (Apic(entry) is { MoveInProgress: true } a && a.Cpu == cpu && a.Vector == v) a.NewVectorHit = true;
            foreach (var s in _m.Irq.HandleIrq(d, cpu)) yield return s;
            InIrq--;
            r.Set(v);
            yield break;
        }
        yield return Sched.Under("call_irq_handler.reevaluate_vector", LockRef.VectorLock);
        int again = ReevaluateVector(c, v, entry);
        // call_irq_handler (arch/x86/kernel/irq.c): a descriptor installed since the unlocked read
        // is handled after vector_lock is dropped, like the fast path; its flow sees no raise of its
        // own (a spurious run) and its ack may complete a move.
        if (IsDesc(again) && _m.Irqs[again] is { } nd && nd.Chip is not null)
        {
            if (Apic(again) is { MoveInProgress: true } na && na.Cpu == cpu && na.Vector == v) na.NewVectorHit = true;
            foreach (var s in _m.Irq.HandleIrq(nd, cpu)) yield return s;
        }
        InIrq--;
        r.Set(v);
    }

    /// <summary>reevaluate_vector (under vector_lock): the descriptor now installed, or -1 after
    /// handling a sentinel (UNUSED: "No irq handler"; a SHUTDOWN/RETRIGGERED mark becomes UNUSED).</summary>
    private int ReevaluateVector(ApicCpu c, int v, int staleEntry)
    {
        int now = c.VectorIrq[v];
        int seen = _m.Variants.K3 ? staleEntry : now;
        if (IsDesc(seen))
        {
            _m.Trace?.Effect($"entry: CPU{c.Cpu} vector 0x{v:x} set up meanwhile (irq {seen}): handled");
            return seen;
        }
        if (seen == VectorUnused)
        {
            _m.Info("call_irq_handler", $"No irq handler for {c.Cpu}.{v}");
            return -1;
        }
        if (IsDesc(now)) StaleWrites.Add(new StaleEntryWrite(c.Cpu, v, now));
        c.VectorIrq[v] = VectorUnused;
        _m.Trace?.Effect($"entry: CPU{c.Cpu} vector 0x{v:x} {EntryText(seen)} -> UNUSED");
        return -1;
    }

    /// <summary>
    /// One round of quiescence work: every online CPU takes the interrupts pending in its IRR, then
    /// every armed cleanup timer fires. True iff anything ran.
    /// </summary>
    public bool DrainOnce()
    {
        bool did = false;
        var r = new OpResult();
        foreach (var c in _cpus)
        {
            int budget = NrVectors;
            while (c.State == CpuState.Online && !c.Irr.IsEmpty && budget-- > 0)
            {
                _m.Run("interrupt", c.Cpu, Interrupt(c.Cpu, r));
                did = true;
            }
        }
        foreach (var c in _cpus)
        {
            if (c.State != CpuState.Online || !c.TimerArmed) continue;
            _m.Run("vector_cleanup_callback", c.Cpu, CleanupTimer(c.Cpu, r));
            did = true;
        }
        return did;
    }
}
