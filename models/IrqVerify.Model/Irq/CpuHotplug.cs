using IrqVerify.Model.Core;

namespace IrqVerify.Model.Irq;

/// <summary>
/// kernel/irq/cpuhotplug.c, the generic part of CPU hot-unplug/hotplug (spec §2.7 step 4): move
/// every irq off the outgoing CPU, and restart managed irqs when a CPU of their mask comes back.
/// Only x86 irqs are walked (Xen event channels have their own vCPU model).
/// </summary>
public static class CpuHotplug
{
    /// <summary>irq_migrate_all_off_this_cpu: migrate_one_irq for every active irq, each under its desc lock.</summary>
    public static IEnumerable<Sched> MigrateAllOffThisCpu(Machine m, int cpu)
    {
        var all = m.Irqs.All;
        for (int irq = 0; irq < all.Count; irq++)
        {
            var d = all[irq];
            if (!d.Allocated || d.Owner == IrqOwner.Xen || d.Chip is null) continue;
            yield return Sched.At("irq_migrate_all_off_this_cpu.desc_lock");
            if (!d.Allocated || d.Chip is null) continue;
            var broke = new OpResult();
            foreach (var s in MigrateOneIrq(m, d, cpu, broke)) yield return s;
            if (broke.Value != 0) m.Info("irq_migrate_all_off_this_cpu", $"IRQ {d.Irq}: no longer affine to CPU{cpu}");
        }
    }

    /// <summary>
    /// migrate_one_irq: force-complete a pending move FIRST (the outgoing CPU may be the old or the new
    /// target), then skip per-CPU, not-started and not-affine irqs; otherwise move to the pending mask
    /// or the affinity; a managed irq without online CPUs is shut down, a non-managed one has its
    /// affinity broken to all online CPUs; -ENOSPC retries with all online CPUs. K2 (b): the affinity
    /// filter runs before the force-complete. Result value 1 = affinity broken.
    /// </summary>
    public static IEnumerable<Sched> MigrateOneIrq(Machine m, IrqDesc d, int cpu, OpResult r)
    {
        r.Set(0);
        var chip = d.Chip!;
        bool k2 = m.Variants.K2;
        if (!k2)
        {
            yield return Sched.Under("irq_force_complete_move", LockRef.VectorLock);
            chip.ForceCompleteMove(d, cpu);
        }
        if (d.IsPerCpu || !d.Started || !NeedsFixup(m, d, cpu))
        {
            FixupMovePending(d, chip.OnlineCpus, forceClear: false);
            yield break;
        }
        if (k2)
        {
            yield return Sched.Under("irq_force_complete_move", LockRef.VectorLock);
            chip.ForceCompleteMove(d, cpu);
        }
        var online = chip.OnlineCpus;
        var affinity = FixupMovePending(d, online, forceClear: true) ? d.PendingMask : d.Affinity;
        bool maskChip = chip.MoveDeferred && !d.Masked;
        if (maskChip) m.Irq.Mask(d);
        bool broke = false;
        if (affinity.And(online).IsEmpty)
        {
            if (d.Managed)
            {
                d.ManagedShutdown = true;
                m.Irq.ShutdownAndDeactivate(d);
                m.Trace?.Effect($"hotplug: managed irq {d.Irq} shut down (no online CPU in {d.Affinity})");
                yield break;
            }
            affinity = online;
            broke = true;
        }
        var res = new OpResult();
        foreach (var s in DoSetAffinity(m, d, affinity, res)) yield return s;
        if (res.Error == Errno.ENOSPC && !d.Managed && affinity != online)
        {
            affinity = online;
            broke = true;
            res = new OpResult();
            foreach (var s in DoSetAffinity(m, d, affinity, res)) yield return s;
        }
        if (!res.Ok)
        {
            m.Info("migrate_one_irq", $"IRQ{d.Irq}: set affinity failed({res.Error.Format()}).");
            broke = false;
        }
        if (broke) d.AffinityBroken = true;
        if (maskChip) m.Irq.Unmask(d);
        r.Set(broke ? 1 : 0);
    }

    /// <summary>irq_do_set_affinity(force = false): the chip gets mask ∩ online; on success the
    /// requested mask becomes the affinity.</summary>
    private static IEnumerable<Sched> DoSetAffinity(Machine m, IrqDesc d, CpuMask mask, OpResult r)
    {
        var chip = d.Chip!;
        var tmp = mask.And(chip.OnlineCpus);
        if (tmp.IsEmpty) { r.Fail(Errno.EINVAL); yield break; }
        var res = new OpResult();
        foreach (var s in chip.SetAffinity(d, tmp, false, res)) yield return s;
        if (!res.Ok) { r.Fail(res.Error); yield break; }
        d.Affinity = mask;
        r.Set(0);
    }

    /// <summary>irq_needs_fixup: is the effective affinity (or, if empty, the affinity) on the outgoing CPU?</summary>
    private static bool NeedsFixup(Machine m, IrqDesc d, int cpu)
    {
        var mask = d.EffectiveAffinity.IsEmpty ? d.Affinity : d.EffectiveAffinity;
        if (!mask.Without(cpu).IsEmpty && mask.And(d.Chip!.OnlineCpus).IsEmpty)
        {
            m.Info("irq_needs_fixup", $"Eff. affinity {mask} of IRQ {d.Irq} contains only offline CPUs after offlining CPU {cpu}");
            return true;
        }
        return mask.Contains(cpu);
    }

    /// <summary>irq_fixup_move_pending: drop a pending move without online CPUs; true if one remains usable.</summary>
    private static bool FixupMovePending(IrqDesc d, CpuMask online, bool forceClear)
    {
        if (!d.MovePending) return false;
        if (d.PendingMask.And(online).IsEmpty)
        {
            d.MovePending = false;
            d.PendingMask = CpuMask.Empty;
            return false;
        }
        if (forceClear) d.MovePending = false;
        return true;
    }

    /// <summary>
    /// irq_affinity_online_cpu: restart every requested managed irq in managed shutdown whose affinity
    /// contains the new CPU (x86 irqs are single-target, so running ones are not moved). The restart
    /// is irq_startup_managed (irq_restore_affinity_of_irq in kernel/irq/cpuhotplug.c, 6.16+): the
    /// depth the shutdown added comes off and only a depth of 0 starts the irq, with
    /// irq_startup(desc, IRQ_RESEND, IRQ_START_COND): for IRQ_STARTUP_MANAGED it calls irq_do_set_affinity(aff), so an irq
    /// that was activated while not started and whose vector sits on a CPU that went down since
    /// (migrate_one_irq skips unstarted irqs) gets a vector on the new CPU, and apic_update_vector
    /// frees the old one at once because its CPU is offline.
    /// </summary>
    public static IEnumerable<Sched> AffinityOnlineCpu(Machine m, int cpu)
    {
        var all = m.Irqs.All;
        for (int irq = 0; irq < all.Count; irq++)
        {
            var d = all[irq];
            // The unlocked test only saves a scheduling point for irqs that cannot qualify; the
            // kernel (irq_restore_affinity_of_irq) tests everything under the descriptor lock, so
            // a free_irq between the two (no lock held here) leaves the irq alone (row VW2).
            if (!NeedsRestore(d, cpu)) continue;
            yield return Sched.Under("irq_affinity_online_cpu.desc_lock", LockRef.VectorLock);
            if (!NeedsRestore(d, cpu)) continue;
            var r = new OpResult();
            d.ManagedRestart = true;
            foreach (var s in m.Irq.StartupManaged(d, r)) yield return s;
            d.ManagedRestart = false;
            m.Trace?.Effect($"hotplug: managed irq {d.Irq} on CPU{cpu} online: irq_startup_managed -> {r}, depth {d.DisableDepth}");
        }
    }

    /// <summary>irq_restore_affinity_of_irq's conditions for irq_startup: a managed irq with an
    /// action and a chip, the new CPU in its mask, in managed shutdown.</summary>
    private static bool NeedsRestore(IrqDesc d, int cpu) =>
        d.Allocated && d.Owner != IrqOwner.Xen && d.Managed && d.Action is not null && d.Chip is not null
        && d.Affinity.Contains(cpu) && d.ManagedShutdown;
}
