using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;
using static IrqVerify.Model.Vector.VectorSpace;

namespace IrqVerify.Model.Vector;

/// <summary>Affinity changes, move completion and the cleanup of old vectors (spec §2.6).</summary>
public sealed partial class VectorDomain
{
    /// <summary>
    /// apic_set_affinity (under vector_lock): dest ∩ online, then assign_managed_vector or
    /// assign_vector_locked. The old vector stays installed until the first interrupt on the new
    /// target. WARN + -EIO when the irq is not (really) activated.
    /// </summary>
    public Errno SetAffinity(IrqDesc d, CpuMask dest, bool force)
    {
        _ = force;
        var a = Apic(d.Irq);
        if (a is null || !d.Activated || d.ActivatedReserved)
        {
            _m.Warn("apic_set_affinity", $"irq {d.Irq} is not activated");
            return Errno.EIO;
        }
        var search = dest.And(OnlineMask);
        return a.IsManaged ? AssignManagedVector(d, a, search) : AssignVectorLocked(d, a, search);
    }

    /// <summary>
    /// apic_ack_edge on <paramref name="cpu"/>: irq_complete_move (a move completes when the interrupt
    /// is handled on the new target), then a deferred move on the current target (irq_move_irq; not
    /// while the irq is disabled), then the EOI (not modelled: no ISR state).
    /// </summary>
    public IEnumerable<Sched> AckEdge(IrqDesc d, int cpu)
    {
        var a = Apic(d.Irq);
        // irq_complete_move reads move_in_progress without the lock.
        if (a is not null && a.MoveInProgress && a.Cpu == cpu)
        {
            yield return Sched.Under("__vector_schedule_cleanup", LockRef.VectorLock);
            ScheduleCleanup(a);
        }
        // __irq_move_irq (kernel/irq/migration.c) returns while IRQD_IRQ_DISABLED is set (disable_irq,
        // or not started: a new or shut-down descriptor): the move stays pending (row V3).
        if (d.MovePending && !d.IrqDisabled)
            foreach (var s in _m.Irq.MoveMaskedIrq(d)) yield return s;
    }

    /// <summary>vector_schedule_cleanup(cfg) for upper layers (under vector_lock).</summary>
    public void ScheduleCleanupFor(int irq)
    {
        if (Apic(irq) is { } a) ScheduleCleanup(a);
    }

    /// <summary>
    /// __vector_schedule_cleanup: the move is complete. Online old CPU: queue on its cleanup list and
    /// arm its timer. Offline old CPU: free the old vector now (K2 (a): only forget it — a leak).
    /// </summary>
    private void ScheduleCleanup(ApicData a)
    {
        int cpu = a.PrevCpu;
        a.MoveInProgress = false;
        if (IsOnline(cpu))
        {
            var c = _cpus[cpu];
            if (!a.InCleanupList)
            {
                c.Cleanup.Insert(0, a);
                a.InCleanupList = true;
            }
            c.TimerArmed = true;
            _m.Trace?.Effect($"vector: irq {a.Irq} old vector 0x{a.PrevVector:x} queued for cleanup on CPU{cpu}");
            return;
        }
        _m.Info("__vector_schedule_cleanup", $"IRQ {a.Irq} schedule cleanup for offline CPU {cpu}");
        if (_m.Variants.K2)
            a.PrevVector = 0;
        else
            FreeMovedVector(a);
    }

    /// <summary>free_moved_vector: release (prev_cpu, prev_vector), entry UNUSED, unlink, move done.</summary>
    private void FreeMovedVector(ApicData a)
    {
        int cpu = a.PrevCpu, vector = a.PrevVector;
        _m.Matrix.Free(cpu, vector, a.IsManaged);
        if (vector is > 0 and < NrVectors) _cpus[cpu].VectorIrq[vector] = VectorUnused;
        Unlink(a);
        a.PrevVector = 0;
        a.MoveInProgress = false;
        _m.Trace?.Effect($"vector: irq {a.Irq} old vector 0x{vector:x} freed on CPU{cpu}");
    }

    /// <summary>
    /// __vector_cleanup for <paramref name="cpu"/>'s queue: free every old vector, except (with
    /// check_irr) one still pending in this CPU's IRR, which is kept and the timer re-armed.
    /// </summary>
    private void Cleanup(int cpu, bool checkIrr)
    {
        var c = _cpus[cpu];
        bool rearm = false;
        int i = 0;
        while (i < c.Cleanup.Count)
        {
            var a = c.Cleanup[i];
            if (checkIrr && a.PrevVector is > 0 and < NrVectors && c.Irr.Test(a.PrevVector))
            {
                _m.Info("__vector_cleanup", $"Moved interrupt pending in old target APIC {a.Irq}");
                rearm = true;
                i++;
                continue;
            }
            FreeMovedVector(a);
        }
        if (rearm) c.TimerArmed = true;
    }

    /// <summary>vector_cleanup_callback: the per-CPU cleanup timer fired on <paramref name="cpu"/>.</summary>
    public IEnumerable<Sched> CleanupTimer(int cpu, OpResult r)
    {
        yield return Sched.Under("vector_cleanup_callback", LockRef.VectorLock);
        if (cpu < 0 || cpu >= _cpus.Length) { r.Fail(Errno.EINVAL); yield break; }
        var c = _cpus[cpu];
        if (!c.TimerArmed || c.State != CpuState.Online) { r.Set(0); yield break; }
        c.TimerArmed = false;
        int before = c.Cleanup.Count;
        Cleanup(cpu, checkIrr: true);
        r.Set(before - c.Cleanup.Count);
    }

    /// <summary>
    /// apic_force_complete_move on the outgoing CPU (under vector_lock): if a move is pending and the
    /// outgoing CPU is its new or its old CPU, free the old vector now. K2 (b): any pending old vector.
    /// </summary>
    public void ForceCompleteMove(IrqDesc d, int outgoingCpu)
    {
        var a = Apic(d.Irq);
        if (a is null || a.PrevVector == 0) return;
        if (!_m.Variants.K2 && a.Cpu != outgoingCpu && a.PrevCpu != outgoingCpu) return;
        if (a.MoveInProgress)
            _m.Info("irq_force_complete_move", $"IRQ fixup: irq {d.Irq} move in progress, old vector {a.PrevVector}");
        // The race upstream's comment calls theoretical ("nothing we can do ... w/o refactoring the
        // whole fixup_irq() business"): an interrupt still in the old CPU's IRR goes with the vector,
        // whether the move was not yet seen or only its cleanup was pending (remapped: queued at once).
        if (IrrPending(a.PrevCpu, a.PrevVector))
            LogDroppedPending("irq_force_complete_move", d.Irq, "old vector", a.PrevCpu, a.PrevVector);
        FreeMovedVector(a);
    }
}
