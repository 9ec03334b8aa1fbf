using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Tests.Programs;
using IrqVerify.Model.Vector;

namespace IrqVerify.Model.Tests.Vector;

/// <summary>Fuzzer findings on the reference model (vector domain), each by its minimized program.</summary>
public class VectorTriageTests
{
    private static (Machine M, RunReport R) Run(string text) => ProgramKit.Run(text);

    /// <summary>I-G2 finding: raw vector_deactivate of a started irq is misuse of the domain op
    /// (only called after irq_shutdown): refused with -EBUSY, the vector stays and the raise is handled.</summary>
    [Fact]
    public void Deactivating_a_started_irq_is_misuse_and_refused()
    {
        var (m, r) = Run("irq = vector_alloc({0}, managed)\nrequest_irq(irq)\napic_raise(irq)\nvector_deactivate(irq)\n");
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "vector_deactivate");
        Assert.Equal($"-{Errno.EBUSY.Format().TrimStart('-')}", r.Ops[^1].Result);
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        var d = m.Irqs[24]!;
        Assert.True(d.Activated);
        Assert.Equal(1, d.Invocations);
    }

    /// <summary>I-G2 finding (verify 600 s, seed 3): a requested managed irq that is not started (its
    /// restart waits for enable_irq) with an interrupt pending on its vector: a raw deactivate would
    /// drop it. The domain op runs only after irq_shutdown, so it is refused as misuse here too, and
    /// the interrupt is handled once enable_irq starts the irq.</summary>
    [Fact]
    public void Deactivating_a_requested_irq_that_is_not_started_is_misuse_and_refused()
    {
        var (m, r) = Run("irq = vector_alloc({0,2}, managed)\ncpu_offline(0)\ncpu_offline(2)\nrequest_irq(irq)\ndisable_irq(irq)\ncpu_online(0)\n" +
                         "vector_activate(irq)\napic_raise(irq)\nvector_deactivate(irq)\nenable_irq(irq)\n");
        var misuse = Assert.Single(m.Diagnostics.Items, d => d.Severity == Severity.Misuse);
        Assert.Equal("irq 24 deactivated while a handler is requested (irq_domain_deactivate_irq runs only after irq_shutdown)", misuse.Message);
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        Assert.Equal(1, m.Irqs[24]!.Invocations);
    }

    /// <summary>I-V11 + I-V16 finding: the same misuse followed by cpu_offline no longer leaves a
    /// started irq without a vector on the dead CPU.</summary>
    [Fact]
    public void Deactivate_of_a_started_irq_then_offline_stays_sound()
    {
        var (m, r) = Run("irq = vector_alloc({1}, none)\nrequest_irq(irq)\nvector_deactivate(irq)\ncpu_offline(1)\n");
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "vector_deactivate");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
    }
    /// <summary>Verify (props) finding I-V14 on a 2-CPU machine without reservation mode: a managed
    /// MSI-X irq activated at allocation (real vector) but never started is skipped by
    /// migrate_one_irq when its only CPU goes down, so it keeps its in-mask vector on the dead CPU.
    /// Upstream behaviour: I-V14 only requires a STARTED managed irq to be shut down.</summary>
    [Fact]
    public void Unstarted_managed_irq_keeps_its_vector_on_its_offline_cpu()
    {
        var cfg = MachineConfig.Default();
        cfg.ReservationMode = false;
        var m = new Machine(cfg);
        var r = ProgramRunner.Run(m, ProgramParser.Parse("pci_alloc_irq_vectors(dev1, 0, 4, msix|affinity)\ncpu_offline(0)\n", "t.irq", m.Config));
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        var d = m.Irqs[24]!;
        Assert.True(d.Managed);
        Assert.True(d.Activated);
        Assert.False(d.Started);
        Assert.Equal(CpuMask.Of(0), d.Affinity);
        Assert.Equal(0, m.Vector.ApicTable[24]!.Cpu);
        Assert.NotEqual(0, m.Vector.ApicTable[24]!.Vector);

        // Started, the same irq would have been shut down: the check still fires on a started one.
        d.Started = true;
        Assert.Contains(VectorInvariants.All.Single(x => x.Id == "I-V14").Run(m), v => v.Message.StartsWith("managed irq 24: no live CPU"));
    }

    /// <summary>Trust-issue finding (I-V8, I-V11, I-V16 on the reference model): a managed irq
    /// activated while not started keeps its vector on CPU2 when CPU2 goes down (migrate_one_irq skips
    /// unstarted irqs); request_irq with no online CPU in {0,2} parks it in managed shutdown; CPU0's
    /// online restarts it through irq_startup, whose IRQ_STARTUP_MANAGED arm calls
    /// irq_do_set_affinity: assign_managed_vector takes a vector on CPU0 and apic_update_vector frees
    /// CPU2's at once (offline target, no cleanup), so the started irq is on CPU0.</summary>
    [Fact]
    public void Managed_irq_restarted_at_online_moves_off_its_offline_cpu()
    {
        var cfg = MachineConfig.Default();
        var (m, r) = ProgramKit.Run("irq0 = vector_alloc({0,2}, managed)\ncpu_offline(0)\nvector_activate(irq0)\ncpu_offline(2)\n" +
                                    "request_irq(irq0)\ncpu_online(0)\napic_raise(irq0)\n", cfg);
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        var a = m.Vector.ApicTable[24]!;
        Assert.Equal((0, 0x20), (a.Cpu, a.Vector));
        Assert.Equal(0, a.PrevVector);
        Assert.True(m.Irqs[24]!.Started);
        Assert.False(m.Irqs[24]!.ManagedShutdown);
        Assert.Equal((1, 1), (m.Matrix.Map(0).Allocated, m.Matrix.Map(0).ManagedAllocated));
        Assert.Equal((0, 0), (m.Matrix.Map(2).Allocated, m.Matrix.Map(2).ManagedAllocated));
        Assert.Equal(1, m.Irqs[24]!.Invocations);
    }

    /// <summary>Fuzz finding (seed 3, I-G2): the same irq raised by its device while parked in managed
    /// shutdown, its vector still on dead CPU2. The interrupt is lost in Linux too; the managed-irq
    /// contract has the driver quiesce the device first, so the raise is caller misuse (as for PCI
    /// devices) and no handler run is owed: no I-G2 after CPU0's online restarts the irq.</summary>
    [Fact]
    public void Raising_a_managed_irq_in_managed_shutdown_is_misuse_and_owes_no_handler()
    {
        var (m, r) = ProgramKit.Run("irq0 = vector_alloc({0,2}, managed)\ncpu_offline(0)\nvector_activate(irq0)\ncpu_offline(2)\n" +
                                    "request_irq(irq0)\napic_raise(irq0)\ncpu_online(0)\n");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "apic_raise");
        Assert.Equal(1, m.Vector.DroppedDeliveries);
        Assert.False(m.Irqs[24]!.AwaitingHandler);
        Assert.Equal(0, m.Irqs[24]!.Invocations);
    }
}
