using IrqVerify.Model.Core;
using IrqVerify.Model.Vector;
using static IrqVerify.Model.Tests.Vector.VectorTestKit;

namespace IrqVerify.Model.Tests.Vector;

public class VectorHotplugTests
{
    [Fact]
    public void Offline_is_refused_with_ENOSPC_when_non_managed_vectors_do_not_fit()
    {
        // Window [0x20, 0x24): 4 slots per CPU, no system vectors.
        var m = NewMachine(cpus: 2, end: 0x24, system: []);
        int[] cpu0 = [Alloc(m, CpuMask.Of(0)), Alloc(m, CpuMask.Of(0)), Alloc(m, CpuMask.Of(0)), Alloc(m, CpuMask.Of(0))];
        int x = Alloc(m, CpuMask.Of(1));
        Request(m, x);
        Assert.Equal(Errno.ENOSPC, Offline(m, 1));
        Assert.Equal(new UnplugCheck(1, 1, 0, 0, 1, Errno.ENOSPC), m.Vector.LastUnplugCheck);
        Assert.Contains(m.Diagnostics.Items, d => d.Message == "CPU 1 has 1 vectors, 0 available. Cannot disable CPU");
        Assert.Equal(CpuMask.Of(0, 1), m.Vector.OnlineMask);

        Assert.Equal(Errno.Ok, Run(m, "vector_free", 0, r => VectorAllocationTests.OpsFree(m, cpu0[3], r)).Error);
        Assert.Equal(Errno.Ok, Offline(m, 1));
        Assert.Equal(new UnplugCheck(1, 1, 1, 0, 1, Errno.Ok), m.Vector.LastUnplugCheck);
        var a = m.Vector.Apic(x)!;
        Assert.Equal((0, 0x23), (a.Cpu, a.Vector));
        Assert.True(m.Irqs[x]!.AffinityBroken);
        Assert.Equal(CpuMask.Of(0), m.Irqs[x]!.Affinity);
        Assert.Equal(CpuState.Offline, m.Vector.Cpus[1].State);
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    /// <summary>K1: a CPU with many managed vectors and one non-managed vector; the other CPU has one slot left.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void K1_counts_managed_vectors_and_refuses_offline(bool k1)
    {
        var m = k1 ? NewMachine(cpus: 2, end: 0x24, system: [], "K1") : NewMachine(cpus: 2, end: 0x24, system: []);
        Alloc(m, CpuMask.Of(0)); Alloc(m, CpuMask.Of(0)); Alloc(m, CpuMask.Of(0));
        int m1 = Alloc(m, CpuMask.Of(1), managed: true);
        int m2 = Alloc(m, CpuMask.Of(1), managed: true);
        Request(m, m1); Request(m, m2);
        Request(m, Alloc(m, CpuMask.Of(1)));
        Assert.Equal(3, m.Matrix.Map(1).Allocated);
        Assert.Equal(2, m.Matrix.Map(1).ManagedAllocated);

        var e = Offline(m, 1);
        if (k1)
        {
            Assert.Equal(Errno.ENOSPC, e);
            Assert.Equal(new UnplugCheck(1, 3, 1, 0, 1, Errno.ENOSPC), m.Vector.LastUnplugCheck);
            Assert.Equal(["I-V17", "I-V20"], Fired(m));
        }
        else
        {
            Assert.Equal(Errno.Ok, e);
            Assert.Equal(new UnplugCheck(1, 1, 1, 0, 1, Errno.Ok), m.Vector.LastUnplugCheck);
            Assert.Equal(Array.Empty<string>(), Fired(m));
        }
    }

    [Fact]
    public void Not_started_irq_keeps_its_vector_on_the_dead_cpu_until_startup_moves_it()
    {
        var m = NewMachine();
        int x = Alloc(m, CpuMask.Of(1));
        Assert.Equal(Errno.Ok, Offline(m, 1));
        var a = m.Vector.Apic(x)!;
        Assert.Equal((1, 0x20), (a.Cpu, a.Vector));    // migrate_one_irq skips not-started irqs
        Assert.Equal(Array.Empty<string>(), Fired(m));
        Assert.Equal(Errno.Ok, Request(m, x));          // activation reassigns, the stale vector is freed
        Assert.Equal((0, 0x20), (a.Cpu, a.Vector));
        Assert.Equal(0, a.PrevVector);
        Assert.True(m.Matrix.Map(1).AllocMap.IsEmpty);
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    [Fact]
    public void Managed_irq_is_shut_down_with_its_last_cpu_and_restarted_on_online()
    {
        var m = NewMachine();
        int irq = Alloc(m, CpuMask.Of(2), managed: true);
        Request(m, irq);
        var a = m.Vector.Apic(irq)!;
        var d = m.Irqs[irq]!;
        Assert.Equal((2, 0x20), (a.Cpu, a.Vector));

        Assert.Equal(Errno.Ok, Offline(m, 2));
        Assert.True(d.ManagedShutdown);
        Assert.False(d.Started);
        Assert.Equal(0, a.Vector);
        Assert.Equal((0, VectorDomain.ManagedIrqShutdownVector), m.Vector.Target(irq));
        Assert.Equal(CpuMask.Of(2), d.Affinity);           // affinity kept
        Assert.Equal(1, m.Matrix.Map(2).Managed);          // reservation kept
        Assert.Equal(0, m.Matrix.Map(2).Allocated);
        Assert.Equal(Array.Empty<string>(), Fired(m));

        Assert.Equal(Errno.Ok, Online(m, 2));
        Assert.False(d.ManagedShutdown);
        Assert.True(d.Started);
        Assert.Equal((2, 0x20), (a.Cpu, a.Vector));
        Assert.Equal(irq, m.Vector.VectorIrq(2, 0x20));
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    [Fact]
    public void Offline_retriggers_interrupts_pending_in_the_outgoing_irr()
    {
        var m = NewMachine();
        int irq = Alloc(m, CpuMask.Of(1));
        Request(m, irq);
        m.Vector.Raise(irq);
        Assert.True(m.Vector.IrrPending(1, 0x20));

        Assert.Equal(Errno.Ok, Offline(m, 1));
        var a = m.Vector.Apic(irq)!;
        Assert.Equal((0, 0x20), (a.Cpu, a.Vector));   // affinity broken to {0,2,3}: CPU0 first on ties
        Assert.Equal(0, a.PrevVector);                 // the old CPU was offline: freed at once
        Assert.True(m.Vector.IrrPending(0, 0x20));     // retriggered at the new target
        Assert.False(m.Matrix.Map(1).AllocMap.Test(0x20));
        Assert.Equal(Array.Empty<string>(), Fired(m));

        Drain(m);
        Assert.Equal(1, m.Irqs[irq]!.Invocations);
        Assert.Equal(Array.Empty<string>(), FiredGeneric(m));
    }

    [Fact]
    public void Offline_of_the_old_cpu_of_a_pending_move_force_completes_it()
    {
        var m = NewMachine();
        int irq = Alloc(m, CpuMask.Of(1));
        Request(m, irq);
        SetAffinity(m, irq, CpuMask.Of(0));
        var a = m.Vector.Apic(irq)!;
        Assert.Equal((1, 0x20), (a.PrevCpu, a.PrevVector));
        Assert.Equal(Errno.Ok, Offline(m, 1));
        Assert.Equal(0, a.PrevVector);
        Assert.False(a.MoveInProgress);
        Assert.True(m.Matrix.Map(1).AllocMap.IsEmpty);
        Assert.Contains(m.Diagnostics.Items, d => d.Rule == "irq_force_complete_move");
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    /// <summary>§2.8 / K2: the interrupt that completes the move on the new target cannot run inside
    /// the window between "CPU1 cleared from cpu_online_mask" and fixup_irqs: take_cpu_down runs under
    /// stop_machine, CPU0 spins in the stopper with interrupts off. It runs after CPU1 is dead; the
    /// fixed kernel force-completed the move in fixup_irqs, K2 only forgets the old vector then.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void K2_interrupt_on_the_new_target_waits_for_stop_machine_and_finds_the_old_cpu_dead(bool k2)
    {
        var m = k2 ? NewMachine(variants: "K2") : NewMachine();
        int irq = Alloc(m, CpuMask.Of(1));
        Request(m, irq);
        Assert.Equal(Errno.Ok, SetAffinity(m, irq, CpuMask.Of(0)));
        var a = m.Vector.Apic(irq)!;
        Assert.Equal((0, 0x20, 1, 0x20), (a.Cpu, a.Vector, a.PrevCpu, a.PrevVector));
        m.Vector.Raise(irq);

        var ro = new OpResult();
        var offline = new ModelThread(1, "cpu1:cpu_offline", 1, m.Vector.CpuOffline(1, ro));
        StepUntil(m, offline, "cpu_disable_common.fixup_irqs");
        Assert.False(m.Vector.OnlineMask.Contains(1));
        Assert.Equal(1, m.Locks.OwnerOf(LockRef.StopMachine));

        var ri = new OpResult();
        var intr = new ModelThread(2, "cpu0:interrupt", 0, m.Vector.Interrupt(0, ri));
        Assert.False(intr.IsEnabled(m.Locks));
        Finish(m, offline);
        Assert.True(ro.Ok);
        Assert.True(m.Locks.IsFree(LockRef.StopMachine));
        if (k2)
        {
            Assert.True(m.Matrix.Map(1).AllocMap.Test(0x20));
            Assert.Equal((1, 0x20), (a.PrevCpu, a.PrevVector));
        }
        else
        {
            Assert.True(m.Matrix.Map(1).AllocMap.IsEmpty);
            Assert.Equal(0, a.PrevVector);
        }

        Finish(m, intr);
        Assert.Equal(1, m.Irqs[irq]!.Invocations);
        Assert.Equal(0, a.PrevVector);
        if (k2)
        {
            Assert.Contains(m.Diagnostics.Items, d => d.Rule == "__vector_schedule_cleanup");
            Assert.Equal(["I-V16", "I-V3"], Fired(m));
        }
        else Assert.Equal(Array.Empty<string>(), Fired(m));

        FreeIrq(m, irq);
        Run(m, "vector_free", 0, r => VectorAllocationTests.OpsFree(m, irq, r));
        if (k2) Assert.Equal(["I-V16", "I-V3", "I-V4"], Fired(m));
        else Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    /// <summary>stop_machine starts only when no other CPU is inside an interrupt handler: an offline
    /// requested while CPU0 runs one waits at its first step until the handler returns.</summary>
    [Fact]
    public void Offline_waits_for_a_handler_running_on_another_cpu()
    {
        var m = NewMachine();
        int irq = Alloc(m, CpuMask.Of(0));
        Request(m, irq);
        m.Vector.Raise(irq);
        var intr = new ModelThread(1, "cpu0:interrupt", 0, m.Vector.Interrupt(0, new OpResult()));
        intr.Step(m);
        Assert.False(intr.Done);
        Assert.True(m.Irqs[irq]!.InProgress);

        var ro = new OpResult();
        var offline = new ModelThread(2, "cpu1:cpu_offline", 1, m.Vector.CpuOffline(1, ro));
        StepUntil(m, offline, "stop_machine.lapic_can_unplug_cpu");
        Assert.False(offline.IsEnabled(m.Locks));
        Finish(m, intr);
        Assert.True(offline.IsEnabled(m.Locks));
        Finish(m, offline);
        Assert.True(ro.Ok);
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    /// <summary>K2 (b) without the window: migrate_one_irq skips the irq (its target is CPU0) before
    /// force-completing, so the old vector on the outgoing CPU survives the offline.</summary>
    [Fact]
    public void K2_migration_filter_before_force_complete_leaves_old_vector_on_offline_cpu()
    {
        var m = NewMachine(variants: "K2");
        int irq = Alloc(m, CpuMask.Of(1));
        Request(m, irq);
        SetAffinity(m, irq, CpuMask.Of(0));
        Assert.Equal(Errno.Ok, Offline(m, 1));
        var a = m.Vector.Apic(irq)!;
        Assert.Equal((1, 0x20), (a.PrevCpu, a.PrevVector));
        Assert.Equal(["I-V16"], Fired(m));
    }

    /// <summary>The managed-irq contract covers the CPU-online restart too: the device of a managed
    /// irq shut down with its last CPU stays quiesced until irq_startup_managed is done (blk-mq
    /// reactivates the queue at CPUHP_AP_BLK_MQ_ONLINE, after CPUHP_AP_IRQ_AFFINITY_ONLINE). A raise
    /// in the middle of the restart reaches the old target and is reported as the driver's misuse,
    /// not as a lost interrupt (found by `verify --budget 600s --seed 1`, fuzz parallel group).</summary>
    [Fact]
    public void A_raise_during_the_cpu_online_restart_of_a_managed_irq_is_misuse()
    {
        // Activated early on CPU2, its CPUs go down while it is not started (migrate_one_irq skips
        // it, the vector stays on dead CPU2), request_irq parks it in managed shutdown; CPU0's
        // online restart moves it (irq_do_set_affinity), a step with scheduling points.
        var m = NewMachine();
        int irq = Alloc(m, CpuMask.Of(0, 2), managed: true);
        Assert.Equal(Errno.Ok, Offline(m, 0));
        Assert.True(Run(m, "vector_activate", 0, r => VectorOps.VectorActivate(m, irq, r)).Ok);
        Assert.Equal(Errno.Ok, Offline(m, 2));
        Assert.Equal(Errno.Ok, Request(m, irq));
        Assert.True(m.Irqs[irq]!.ManagedShutdown);

        var online = new ModelThread(1, "cpu0:cpu_online", 0, m.Vector.CpuOnline(0, new OpResult()));
        while (!online.Done && !m.Irqs[irq]!.ManagedRestart) online.Step(m);
        Assert.True(m.Irqs[irq]!.ManagedRestart);
        Assert.True(m.Irqs[irq]!.DeviceQuiesced);
        Assert.Equal(Errno.Ok, m.Vector.Raise(irq));
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "apic_raise" && d.Message.Contains("not yet restarted"));
        Finish(m, online);
        Assert.False(m.Irqs[irq]!.ManagedRestart);
        Assert.True(m.Irqs[irq]!.Started);
        Drain(m);
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }
}
