using IrqVerify.Model.Core;
using IrqVerify.Model.Pci;
using IrqVerify.Model.Vector;
using static IrqVerify.Model.Tests.Vector.VectorTestKit;

namespace IrqVerify.Model.Tests.Vector;

/// <summary>
/// The rows of docs/model-deviations.md (Vector/ and the hotplug path) that were removed: each test
/// pins what Linux 6.12 does where the model used to be more careful (or less) than the kernel.
/// </summary>
public class VectorFaithfulnessTests
{
    /// <summary>V1: call_irq_handler hands a descriptor that reevaluate_vector finds under vector_lock
    /// to the flow handler; the model used to drop it as spurious.</summary>
    [Fact]
    public void V1_reevaluate_vector_handles_a_descriptor_installed_since_the_unlocked_read()
    {
        var m = NewMachine(cpus: 2);
        Alloc(m, CpuMask.Of(0));               // CPU0 0x20 taken: the reservation irq lands on CPU1
        int x = Alloc(m, CpuMask.Empty);
        Request(m, x);
        Assert.Equal((1, 0x20), m.Vector.Target(x));
        m.Vector.Raise(x);
        Assert.Equal(Errno.Ok, FreeIrq(m, x));
        Assert.Equal(VectorDomain.VectorShutdown, m.Vector.VectorIrq(1, 0x20));

        var r = new OpResult();
        var entry = new ModelThread(1, "cpu1:interrupt", 1, m.Vector.Interrupt(1, r));
        StepUntil(m, entry, "call_irq_handler.reevaluate_vector");
        Assert.Equal(Errno.Ok, Request(m, x));
        Assert.Equal((1, 0x20), m.Vector.Target(x));
        Assert.Equal(0, m.Irqs[x]!.Invocations);
        Finish(m, entry);

        Assert.Equal(0x20, r.Value);
        Assert.Equal(1, m.Irqs[x]!.Invocations);
        Assert.Equal(x, m.Vector.VectorIrq(1, 0x20));
        Assert.DoesNotContain(m.Diagnostics.Items, d => d.Rule == "call_irq_handler");
        Assert.Equal(Array.Empty<string>(), Fired(m));
        Assert.Equal(Array.Empty<string>(), FiredGeneric(m));
    }

    /// <summary>V2: fixup_irqs marks a pending vector RETRIGGERED because the chip has an
    /// irq_retrigger and leaves the IRR bit alone (the CPU dies with it); the model cleared it.</summary>
    [Fact]
    public void V2_fixup_irqs_retriggers_and_leaves_the_outgoing_irr_set()
    {
        var m = NewMachine(cpus: 2);
        int x = Alloc(m, CpuMask.Of(1));
        Request(m, x);
        Assert.Equal((1, 0x20), m.Vector.Target(x));
        m.Vector.Raise(x);

        var ro = new OpResult();
        var offline = new ModelThread(1, "cpu1:cpu_offline", 1, m.Vector.CpuOffline(1, ro));
        StepUntil(m, offline, "lapic_offline");
        Assert.Equal(VectorDomain.VectorRetriggered, m.Vector.VectorIrq(1, 0x20));
        Assert.True(m.Vector.IrrPending(1, 0x20));
        var (cpu, vector) = m.Vector.Target(x);
        Assert.Equal(0, cpu);
        Assert.True(m.Vector.IrrPending(0, vector));
        Finish(m, offline);

        Assert.True(ro.Ok);
        Assert.False(m.Vector.IrrPending(1, 0x20));
        Drain(m);
        Assert.Equal(1, m.Irqs[x]!.Invocations);
        Assert.Equal(Array.Empty<string>(), Fired(m));
        Assert.Equal(Array.Empty<string>(), FiredGeneric(m));
    }

    /// <summary>V3: __irq_move_irq returns while IRQD_IRQ_DISABLED is set, so an interrupt taken
    /// while the irq is disabled leaves a deferred move pending; the model moved it anyway.</summary>
    [Fact]
    public void V3_deferred_move_waits_while_the_irq_is_disabled()
    {
        var dev = new DeviceConfig { Name = "d", PinIrq = 16, Remapped = false, Msi = new MsiCapConfig { Mmc = 0, MaskBit = true, Is64 = true } };
        var m = new Machine(new MachineConfig { Name = "v3", Cpus = 4, Devices = [dev], Remapping = null });
        Assert.True(Run(m, "pci_enable_msi", 0, o => m.Pci.EnableMsi(0, o)).Ok);
        var d = m.Irqs[m.Pci.IrqVector(0, 0)]!;
        Assert.Equal(Errno.Ok, Request(m, d.Irq));
        var (oldCpu, oldVector) = m.Vector.Target(d.Irq);
        int to = (oldCpu + 1) % 4;

        Assert.True(Run(m, "disable_irq", 0, o => m.Irq.DisableIrq(d.Irq, o)).Ok);
        Assert.Equal(Errno.Ok, SetAffinity(m, d.Irq, CpuMask.Of(to)));
        Assert.True(d.MovePending);
        m.Vector.Deliver(oldCpu, oldVector);   // in flight before the device was masked
        Assert.Equal(oldVector, Interrupt(m, oldCpu).Value);
        Assert.True(d.MovePending);
        Assert.Equal(CpuMask.Of(to), d.PendingMask);
        Assert.Equal((oldCpu, oldVector), m.Vector.Target(d.Irq));
        Assert.Equal(0, d.Invocations);

        Assert.True(Run(m, "enable_irq", 0, o => m.Irq.EnableIrq(d.Irq, o)).Ok);
        Drain(m);
        Assert.Equal(1, d.Invocations);
        Assert.False(d.MovePending);
        Assert.Equal(to, m.Vector.Target(d.Irq).cpu);
        Assert.Equal(CpuMask.Of(to), d.Affinity);
    }

    /// <summary>VW2: irq_restore_affinity_of_irq tests desc->action under the descriptor lock, so a
    /// free_irq that runs while CPU online walks the irqs leaves the managed irq shut down; the model
    /// tested it before the lock and restarted an irq without a handler.</summary>
    [Fact]
    public void VW2_online_walk_does_not_restart_a_managed_irq_freed_before_its_turn()
    {
        var m = NewMachine(cpus: 2);
        int x = Alloc(m, CpuMask.Of(1), managed: true);
        Assert.Equal(Errno.Ok, Request(m, x));
        Assert.Equal(Errno.Ok, Offline(m, 1));
        var d = m.Irqs[x]!;
        Assert.True(d.ManagedShutdown);
        Assert.False(d.Started);

        var ro = new OpResult();
        var online = new ModelThread(1, "cpu1:cpu_online", 1, m.Vector.CpuOnline(1, ro));
        StepUntil(m, online, "irq_affinity_online_cpu.desc_lock");
        Assert.Equal(Errno.Ok, FreeIrq(m, x));
        Finish(m, online);

        Assert.True(ro.Ok);
        Assert.Null(d.Action);
        Assert.False(d.Started);
        Assert.False(d.Activated);
        Assert.Equal(0, m.Vector.Apic(x)!.Vector);
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }
}
