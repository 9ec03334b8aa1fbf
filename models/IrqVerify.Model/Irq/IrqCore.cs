using IrqVerify.Model.Core;

namespace IrqVerify.Model.Irq;

/// <summary>
/// The generic irq layer (kernel/irq/manage.c, chip.c, migration.c): request/free, enable/disable,
/// affinity, activation and the flow handlers. Chip-specific work is delegated to <see cref="IIrqChip"/>.
/// Every multi-step operation is an iterator; each yield is a point where another CPU may run.
/// </summary>
public sealed class IrqCore(Machine m)
{
    private IrqDescTable Descs => m.Irqs;

    /// <summary>Fault injection (syzkaller style): the next request_irq fails with -ENOMEM, as when
    /// the irqaction allocation fails. Drives the driver error paths of seed 000.</summary>
    public bool FailNextRequest { get; set { field = value; m.Irqs.Epoch.Bump(); } }

    // ------------------------------------------------------------------ activation

    /// <summary>irq_domain_activate_irq. Requires an allocated irq with a chip. Sets Activated on success.</summary>
    public Errno Activate(IrqDesc d, bool reserve)
    {
        if (d.Activated) return Errno.Ok;
        if (d.Chip is null) return Errno.EINVAL;
        var e = d.Chip.Activate(d, reserve);
        if (e == Errno.Ok)
        {
            d.Activated = true;
            d.ActivatedReserved = reserve;
        }
        return e;
    }

    /// <summary>irq_domain_deactivate_irq: no-op unless activated.</summary>
    public void Deactivate(IrqDesc d)
    {
        if (!d.Activated || d.Chip is null) return;
        d.Chip.Deactivate(d);
        d.Activated = false;
        d.ActivatedReserved = false;
    }

    /// <summary>
    /// irq_startup (kernel/irq/chip.c): the depth goes to 0; a started irq is just enabled;
    /// otherwise activate for real (reservation-mode irqs get their vector now), set the affinity
    /// (irq_setup_affinity, or irq_do_set_affinity(aff) for IRQ_STARTUP_MANAGED) and unmask. A
    /// managed irq whose affinity has no online CPU is put in managed shutdown with depth 1 instead
    /// (IRQ_STARTUP_ABORT, 6.16+; the request itself still succeeds); <paramref name="force"/>
    /// (enable_irq's IRQ_START_FORCE) makes that a WARN. Fails <paramref name="r"/> with the
    /// activation error.
    /// </summary>
    public IEnumerable<Sched> Startup(IrqDesc d, OpResult r, bool force = false)
    {
        // chip.c irq_startup: desc->depth = 0 before anything else. A disable_irq done before
        // request_irq is forgotten; the driver's matching enable_irq then WARNs "Unbalanced enable".
        d.DisableDepth = 0;
        if (d.Started)
        {
            Unmask(d);
            Resend(d);
            r.Set(0);
            yield break;
        }
        var e = StartupActivate(d, force, out bool enable);
        if (e != Errno.Ok) { r.Fail(e); yield break; }
        if (enable)
        {
            foreach (var s in SetupAffinity(d)) yield return s;
            StartupEnable(d);
            StaleTargetNote(d);
            Resend(d);
        }
        r.Set(0);
    }

    /// <summary>
    /// F5: an irq whose vector sits on a CPU that went offline while it was not started, started
    /// when no online CPU has a free vector. x86_vector_activate drops assign_irq_vector_any_locked's
    /// -ENOSPC and irq_startup drops irq_setup_affinity's, so the startup succeeds with the irq still
    /// aimed at the offline CPU. The INFO is what the verdict recognises.
    /// </summary>
    private void StaleTargetNote(IrqDesc d)
    {
        if (d.Owner == IrqOwner.Xen || d.IsPerCpu || d.Chip is null || d.EffectiveAffinity.IsEmpty) return;
        if (d.EffectiveAffinity.IsSubsetOf(d.Chip.OnlineCpus)) return;
        m.Info("irq_startup", Verdict.Judge.StaleStartText(d.Irq, d.EffectiveAffinity.First));
    }

    /// <summary>
    /// irq_startup as __setup_irq and enable_irq run it: under desc->lock with interrupts off from
    /// the first step to the last, so the CPU cannot enter stop_machine's stopper in between and a
    /// CPU offline cannot run inside the startup (its affinity choice and the vector assignment).
    /// </summary>
    private IEnumerable<Sched> StartupLocked(IrqDesc d, OpResult r, bool force)
    {
        var desc = LockRef.Desc(d.Irq);
        m.Acquire(desc);
        foreach (var s in Startup(d, r, force)) yield return s;
        m.Release(desc);
    }

    /// <summary>check_irq_resend (IRQ_RESEND, which every caller of irq_startup passes: request_irq,
    /// enable_irq, irq_startup_managed): an interrupt that arrived while the irq was disabled or shut
    /// down (IRQS_PENDING) is retriggered now that it runs again.</summary>
    private static void Resend(IrqDesc d)
    {
        if (d.PendingReplay && d.Chip is not null && d.Chip.Retrigger(d)) d.PendingReplay = false;
    }

    /// <summary>The activation half of irq_startup; <paramref name="enable"/> is false for a managed
    /// irq put in managed shutdown (IRQ_STARTUP_ABORT).</summary>
    private Errno StartupActivate(IrqDesc d, bool force, out bool enable)
    {
        enable = false;
        if (d.Chip is null) return Errno.EINVAL;
        // __irq_startup_managed clears the managed-shutdown state before anything else (still so in
        // 6.18: irq_update_affinity_desc relies on it), so that the domain assigns a real vector
        // instead of parking the irq at the shutdown vector again.
        if (d.Managed) d.ManagedShutdown = false;
        if (d.Managed && d.Affinity.And(d.Chip.OnlineCpus).IsEmpty)
        {
            if (force) m.Warn("irq_startup", $"WARN_ON_ONCE(force): managed irq {d.Irq} has no online CPU in {d.Affinity}");
            // 6.16 (788019eb559f): the aborted startup leaves depth 1, undone by irq_startup_managed
            // when a CPU of the mask comes online.
            d.DisableDepth = 1;
            d.ManagedShutdown = true;
            m.Trace?.Effect($"irq {d.Irq}: managed, no online CPU in {d.Affinity}: managed shutdown, depth 1");
            return Errno.Ok;
        }
        if (d.ActivatedReserved) { d.Activated = false; d.ActivatedReserved = false; }
        var e = Activate(d, reserve: false);
        enable = e == Errno.Ok;
        return e;
    }

    /// <summary>
    /// irq_startup_managed (chip.c, 6.16+): called for a managed irq in managed shutdown when a CPU of
    /// its mask comes online. Clears the managed-shutdown state and undoes the one depth level the
    /// shutdown added; only when the depth reaches 0 is the irq started (IRQ_START_COND), so a
    /// driver's disable_irq survives an offline/online cycle. A depth already at 0 would underflow
    /// (desc->depth is unsigned): the model refuses it as misuse.
    /// </summary>
    public IEnumerable<Sched> StartupManaged(IrqDesc d, OpResult r)
    {
        if (d.DisableDepth == 0)
        {
            m.Misuse("irq_startup_managed", $"irq {d.Irq}: disable depth is 0 (would underflow)");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        d.ManagedShutdown = false;
        if (--d.DisableDepth != 0)
        {
            m.Trace?.Effect($"irq {d.Irq}: managed startup deferred, depth {d.DisableDepth}");
            r.Set(d.DisableDepth);
            yield break;
        }
        foreach (var s in Startup(d, r)) yield return s;
    }

    /// <summary>irq_activate (chip.c): a managed irq is activated by its startup, so this is a no-op
    /// for it; others are activated for real (irq_domain_activate_irq(d, false)).</summary>
    public Errno IrqActivate(IrqDesc d) => d.Managed ? Errno.Ok : Activate(d, reserve: false);

    /// <summary>The enable half of irq_startup (__irq_startup → irq_enable): started and unmasked
    /// (the depth was reset at the start of irq_startup).</summary>
    private void StartupEnable(IrqDesc d)
    {
        d.Started = true;
        Unmask(d);
    }

    /// <summary>
    /// irq_shutdown_and_deactivate: irq_shutdown, then deactivate (even if never started: the
    /// activation can precede the request). irq_shutdown of a started irq masks, clears started and, since 6.16, increments the depth (6.12 set it to 1), so a managed
    /// shutdown at CPU offline keeps a driver's disable_irq.
    /// </summary>
    public void ShutdownAndDeactivate(IrqDesc d)
    {
        if (d.Started)
        {
            d.DisableDepth++;
            Mask(d);
            d.Started = false;
        }
        Deactivate(d);
    }

    public void Mask(IrqDesc d)
    {
        d.Chip?.Mask(d);
        d.Masked = true;
    }

    public void Unmask(IrqDesc d)
    {
        d.Chip?.Unmask(d);
        d.Masked = false;
    }

    /// <summary>irq_activate as a driver-visible step (the KUnit tests call it directly).</summary>
    public IEnumerable<Sched> IrqActivateOp(int irq, OpResult r)
    {
        yield return Sched.Under("irq_activate.desc_lock", LockRef.VectorLock);
        var d = Descs[irq];
        if (d is null || d.Chip is null) { r.Fail(Errno.EINVAL); yield break; }
        var e = IrqActivate(d);
        if (e == Errno.Ok) r.Set(0); else r.Fail(e);
    }

    /// <summary>irq_shutdown_and_deactivate under the descriptor lock, as the KUnit tests call it.
    /// With a handler still running on another CPU the caller broke free_irq's ordering: a WARN-style
    /// misuse report, and nothing changes.</summary>
    public IEnumerable<Sched> ShutdownAndDeactivateOp(int irq, OpResult r)
    {
        yield return Sched.Under("irq_shutdown_and_deactivate.desc_lock", LockRef.VectorLock);
        var d = Descs[irq];
        if (d is null || d.Chip is null) { r.Fail(Errno.EINVAL); yield break; }
        if (d.InProgress)
        {
            m.Misuse("irq_shutdown_and_deactivate", $"irq {irq}: handler in progress on CPU{d.InProgressCpu}");
            r.Fail(Errno.EBUSY);
            yield break;
        }
        ShutdownAndDeactivate(d);
        r.Set(d.DisableDepth);
    }

    /// <summary>irq_startup_managed under the descriptor lock, as the KUnit tests call it.</summary>
    public IEnumerable<Sched> StartupManagedOp(int irq, OpResult r)
    {
        yield return Sched.Under("irq_startup_managed.desc_lock", LockRef.VectorLock);
        var d = Descs[irq];
        if (d is null || d.Chip is null) { r.Fail(Errno.EINVAL); yield break; }
        foreach (var s in StartupManaged(d, r)) yield return s;
    }

    // ------------------------------------------------------------------ request / free

    /// <summary>
    /// request_irq(irq, handler): installs the (non-shared) action and starts the irq.
    /// -EINVAL: no descriptor or IRQ_NOREQUEST; -EBUSY: a handler is already requested; activation
    /// errors (e.g. -ENOSPC on vector exhaustion) undo the request.
    /// </summary>
    public IEnumerable<Sched> RequestIrq(int irq, string name, OpResult r)
    {
        yield return Sched.Under("request_irq.desc_lock", LockRef.VectorLock);
        var d = Descs[irq];
        if (d is null || d.NoRequest || d.Chip is null) { r.Fail(Errno.EINVAL); yield break; }
        if (d.Action is not null) { r.Fail(Errno.EBUSY); yield break; }
        if (FailNextRequest)
        {
            FailNextRequest = false;
            m.Trace?.Effect($"irq {irq}: injected fault: irqaction allocation fails");
            r.Fail(Errno.ENOMEM);
            yield break;
        }
        d.Action = name;
        // __setup_irq → irq_activate, then irq_startup: irq_setup_affinity before __irq_startup
        // (IRQCHIP_AFFINITY_PRE_STARTUP, as the x86 PCI/MSI chips have), then enable.
        var started = new OpResult();
        foreach (var s in StartupLocked(d, started, force: false)) yield return s;
        if (!started.Ok)
        {
            d.Action = null;
            m.Trace?.Effect($"irq {irq}: request failed {started.Error.Format()}");
            r.Fail(started.Error);
            yield break;
        }
        d.AwaitingHandler = false;
        m.Trace?.Effect($"irq {irq}: handler '{name}' requested, started={d.Started}");
        r.Set(0);
    }

    /// <summary>
    /// irq_setup_affinity, part of irq_startup for non-managed irqs (managed ones get
    /// irq_do_set_affinity with their mask, IRQ_STARTUP_MANAGED): retarget to the affinity mask
    /// restricted to online CPUs (all online CPUs if none is left). A no-op when the current target
    /// is online and in the mask (I-V10); it moves an irq that was activated early and whose CPU
    /// went offline before the driver requested it (migrate_one_irq skips unstarted irqs). When no
    /// CPU of the affinity is online the irq goes to all online CPUs and, as irq_do_set_affinity
    /// copies the mask it was given, that becomes its affinity (else I-V11: target outside it).
    /// </summary>
    private IEnumerable<Sched> SetupAffinity(IrqDesc d)
    {
        if (d.IsPerCpu || d.Chip is null) yield break;
        var online = d.Chip.OnlineCpus;
        if (d.Managed)
        {
            // IRQ_STARTUP_MANAGED: irq_do_set_affinity(aff) before __irq_startup. An irq activated
            // early whose CPU went down while it was not started (migrate_one_irq skipped it) gets a
            // vector on an online CPU of its mask here (x86 keeps one that is still fine).
            if (!d.EffectiveAffinity.IsEmpty && d.EffectiveAffinity.IsSubsetOf(d.Affinity.And(online))) yield break;
            var mr = new OpResult();
            foreach (var s in d.Chip.SetAffinity(d, d.Affinity, false, mr)) yield return s;
            yield break;
        }
        var mask = d.Affinity.And(online);
        bool fallback = mask.IsEmpty;
        if (fallback) mask = online;
        if (mask.IsEmpty) yield break;
        if (d.EffectiveAffinity.IsEmpty || !d.EffectiveAffinity.IsSubsetOf(mask))
        {
            var res = new OpResult();
            foreach (var s in d.Chip.SetAffinity(d, mask, false, res)) yield return s;
            if (!res.Ok) yield break;
        }
        if (fallback) { d.Affinity = mask; d.AffinityBroken = false; }
    }

    /// <summary>
    /// free_irq: removes the action, shuts the irq down and deactivates it, then waits for a
    /// handler still running on another CPU (synchronize_irq). Freeing an irq without a handler
    /// is reported as misuse ("Trying to free already-free IRQ") and changes nothing.
    /// </summary>
    public IEnumerable<Sched> FreeIrq(int irq, OpResult r)
    {
        yield return Sched.Under("free_irq.desc_lock", LockRef.VectorLock);
        var d = Descs[irq];
        if (d is null || d.Action is null)
        {
            m.Misuse("free_irq", $"Trying to free already-free IRQ {irq}");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        d.Action = null;
        d.AwaitingHandler = false;
        ShutdownAndDeactivate(d);
        m.Trace?.Effect($"irq {irq}: handler freed, shut down");
        if (d.InProgress)
            yield return Sched.When("free_irq.synchronize_irq", () => !d.InProgress);
        r.Set(0);
    }

    /// <summary>disable_irq: depth++ (mask on 0→1), then wait for a running handler.</summary>
    public IEnumerable<Sched> DisableIrq(int irq, OpResult r)
    {
        yield return Sched.At("disable_irq.desc_lock");
        var d = Descs[irq];
        if (d is null) { r.Fail(Errno.EINVAL); yield break; }
        if (d.DisableDepth++ == 0 && d.Started) Mask(d);
        if (d.InProgress)
            yield return Sched.When("disable_irq.synchronize_irq", () => !d.InProgress);
        r.Set(d.DisableDepth);
    }

    /// <summary>
    /// enable_irq (__enable_irq): depth &gt; 1 just decrements; at 1 it calls
    /// irq_startup(IRQ_RESEND, IRQ_START_FORCE), which enables a started irq and starts one that is
    /// not (after a shutdown, or disabled before it was ever started), and resends a pending
    /// replay. Unbalanced enable is a WARN; no chip is "enable_irq before setup/request_irq".
    /// </summary>
    public IEnumerable<Sched> EnableIrq(int irq, OpResult r)
    {
        yield return Sched.At("enable_irq.desc_lock");
        var d = Descs[irq];
        if (d is null) { r.Fail(Errno.EINVAL); yield break; }
        if (d.Chip is null)
        {
            m.Warn("enable_irq", $"enable_irq before setup/request_irq: irq {irq}");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        if (d.DisableDepth == 0)
        {
            m.Warn("enable_irq", $"Unbalanced enable for IRQ {irq}");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        if (d.DisableDepth > 1)
        {
            d.DisableDepth--;
            r.Set(d.DisableDepth);
            yield break;
        }
        var started = new OpResult();
        foreach (var s in StartupLocked(d, started, force: true)) yield return s;
        if (started.Ok) r.Set(d.DisableDepth); else r.Fail(started.Error);
    }

    // ------------------------------------------------------------------ affinity

    /// <summary>
    /// irq_set_affinity(irq, mask). -EINVAL: no descriptor or no online CPU in the mask; -EIO: a
    /// managed irq (user affinity is refused). Not activated: the mask is stored for activation.
    /// Deferred chips record the move as pending (done in the ack path, I-G3); others call the chip.
    /// </summary>
    public IEnumerable<Sched> SetAffinity(int irq, CpuMask mask, OpResult r)
    {
        yield return Sched.At("irq_set_affinity.desc_lock");
        var d = Descs[irq];
        if (d is null || d.Chip is null) { r.Fail(Errno.EINVAL); yield break; }
        if (d.Managed || d.IsPerCpu) { r.Fail(Errno.EIO); yield break; }
        if (mask.And(d.Chip.OnlineCpus).IsEmpty) { r.Fail(Errno.EINVAL); yield break; }
        // irq_set_affinity_deactivated: a reservation-mode activation left IRQD_ACTIVATED clear
        // (msi_init_virq), so the mask is only stored and the chip is not called.
        if (!d.Activated || d.ActivatedReserved)
        {
            d.Affinity = mask;
            m.Trace?.Effect($"irq {irq}: not activated, affinity {mask} stored");
            r.Set(0);
            yield break;
        }
        if (d.Chip.MoveDeferred)
        {
            // Only the pending mask changes now; the affinity itself is updated when the move is
            // done (irq_do_set_affinity from the ack path), as irq_set_affinity_locked does.
            d.PendingMask = mask;
            d.MovePending = true;
            m.Trace?.Effect($"irq {irq}: move to {mask} pending until the next interrupt");
            r.Set(0);
            yield break;
        }
        var res = new OpResult();
        foreach (var s in d.Chip.SetAffinity(d, mask, false, res)) yield return s;
        if (res.Ok) { d.Affinity = mask; d.AffinityBroken = false; r.Set(0); }
        else r.Fail(res.Error);
    }

    /// <summary>
    /// irq_move_masked_irq, from the ack path of a deferred chip on the current target CPU: run the
    /// pending move; on -EBUSY keep it pending (mask kept) for the next interrupt (I-G3).
    /// </summary>
    public IEnumerable<Sched> MoveMaskedIrq(IrqDesc d)
    {
        if (!d.MovePending || d.Chip is null) yield break;
        d.MovePending = false;
        var mask = d.PendingMask;
        if (!mask.And(d.Chip.OnlineCpus).IsEmpty)
        {
            var res = new OpResult();
            foreach (var s in d.Chip.SetAffinity(d, mask, false, res)) yield return s;
            if (res.Error == Errno.EBUSY)
            {
                d.MovePending = true;
                m.Trace?.Effect($"irq {d.Irq}: deferred move -EBUSY, stays pending");
                yield break;
            }
            if (res.Ok) { d.Affinity = mask; d.AffinityBroken = false; }
        }
        d.PendingMask = CpuMask.Empty;
    }

    // ------------------------------------------------------------------ flows

    /// <summary>The flow handler for an interrupt on <paramref name="cpu"/> (generic_handle_irq).</summary>
    public IEnumerable<Sched> HandleIrq(IrqDesc d, int cpu)
    {
        d.Delivered++;
        return d.Flow == FlowKind.PerCpu ? HandlePerCpuIrq(d, cpu) : HandleEdgeIrq(d, cpu);
    }

    /// <summary>
    /// handle_edge_irq. If the irq is in progress elsewhere, disabled or has no handler: set
    /// IRQS_PENDING and mask-ack. Otherwise ack, then run the handler (desc lock dropped, so other
    /// CPUs interleave) and replay while IRQS_PENDING was set meanwhile, unmasking first.
    /// Guarantees the handler never runs on two CPUs at once (I-G1).
    /// </summary>
    public IEnumerable<Sched> HandleEdgeIrq(IrqDesc d, int cpu)
    {
        var chip = d.Chip!;
        if (d.InProgress || d.DisableDepth > 0 || d.Action is null)
        {
            d.PendingReplay = true;
            d.Masked = true;
            m.Trace?.Effect($"irq {d.Irq}: busy/disabled/no handler on CPU{cpu}: IRQS_PENDING, mask_ack");
            foreach (var s in chip.MaskAck(d, cpu)) yield return s;
            yield break;
        }
        foreach (var s in chip.Ack(d, cpu)) yield return s;
        do
        {
            if (d.Action is null) { Mask(d); yield break; }
            if (d.PendingReplay && d.Masked && d.DisableDepth == 0) Unmask(d);
            d.PendingReplay = false;
            d.InProgress = true;
            d.InProgressCpu = cpu;
            HandlerStart(d, cpu);
            yield return Sched.At("handle_irq_event.action");
            HandlerEnd(d);
            d.InProgress = false;
            d.InProgressCpu = -1;
        } while (d.PendingReplay && d.DisableDepth == 0);
    }

    /// <summary>handle_percpu_irq: ack, run the handler on this CPU, done (no in-progress exclusion).</summary>
    public IEnumerable<Sched> HandlePerCpuIrq(IrqDesc d, int cpu)
    {
        foreach (var s in d.Chip!.Ack(d, cpu)) yield return s;
        if (d.Action is null) yield break;
        HandlerStart(d, cpu);
        yield return Sched.At("handle_percpu_irq.action");
        HandlerEnd(d);
    }

    /// <summary>The oracle's view of a handler starting: counts it and settles the raised event.</summary>
    private void HandlerStart(IrqDesc d, int cpu)
    {
        d.Invocations++;
        d.HandlersRunning++;
        d.AwaitingHandler = false;
        m.Trace?.Effect($"irq {d.Irq}: handler '{d.Action}' runs on CPU{cpu} (#{d.Invocations})");
    }

    private static void HandlerEnd(IrqDesc d) => d.HandlersRunning--;

    /// <summary>
    /// The device or hypervisor raised an event for this irq that a handler must eventually see
    /// (I-G2, I-X11). Only meaningful while a handler is requested.
    /// </summary>
    public void NoteRaised(IrqDesc d)
    {
        if (d.Action is not null) d.AwaitingHandler = true;
    }

    /// <summary>
    /// F7: an interrupt for a requested managed irq, not started and not in managed shutdown, sent to
    /// <paramref name="cpu"/>, offline. Its vector went down with the CPU (migrate_one_irq skips an
    /// unstarted irq) and only irq_startup moves it; since 6.16 the restart at CPU online waits for the
    /// driver's enable_irq when it had disabled the irq (irq_startup_managed only takes a depth level
    /// off; irq_restore_affinity_of_irq returns), and the interrupt may come before or during that
    /// startup. It never reaches the core to be left IRQS_PENDING for the resend. The INFO is what
    /// the verdict recognises.
    /// </summary>
    public void NoteDeferredRestartLoss(IrqDesc d, int cpu)
    {
        if (!d.Managed || d.Action is null || d.Started || d.ManagedShutdown || d.Chip is not { } chip || chip.OnlineCpus.Contains(cpu)) return;
        m.Info("irq_startup_managed", Verdict.Judge.DeferredRestartLossText(d.Irq, cpu));
    }
}
