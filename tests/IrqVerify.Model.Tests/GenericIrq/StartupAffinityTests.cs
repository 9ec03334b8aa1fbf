using IrqVerify.Model.Program;
using IrqVerify.Model.Tests.Programs;

namespace IrqVerify.Model.Tests.GenericIrq;

public class StartupAffinityTests
{
    /// <summary>Runs the program on the default machine and asserts every invariant held.</summary>
    private static (IrqVerify.Model.Machine M, RunReport R) RunClean(string text)
    {
        var (m, report) = ProgramKit.Run(text);
        Assert.True(report.Ok, string.Join("\n", report.Violations));
        return (m, report);
    }

    [Fact]
    public void Early_activated_irq_whose_cpu_went_offline_is_retargeted_at_request_irq()
    {
        // dev1's plain MSI has no per-vector mask: no reservation mode, so the irq gets a real
        // vector at allocation (CPU0, first on ties). CPU0 then goes offline before the driver
        // requests the irq; migrate_one_irq skips unstarted irqs, so irq_setup_affinity in
        // irq_startup must move it to an online CPU.
        const string text = """
            n = pci_alloc_irq_vectors(dev1, 1, 1, msi)
            a = pci_irq_vector(dev1, 0)
            cpu_offline(0)
            request_irq(a)
            device_raise(dev1, 0)
            """;
        var (m, report) = RunClean(text);
        int irq = int.Parse(report.Ops[1].Result);
        var apic = m.Vector.Apic(irq)!;
        Assert.NotEqual(0, apic.Cpu);
        Assert.True(m.Vector.OnlineMask.Contains(apic.Cpu));
        Assert.Equal(1, m.Irqs[irq]!.Invocations);
    }

    [Fact]
    public void Irq_whose_whole_affinity_is_offline_takes_the_online_cpus_as_its_affinity_at_request()
    {
        // I-V11 finding (verify, seed 1): the irq moves to CPU1 at irq_setup_affinity, and
        // irq_do_set_affinity copies the mask it was given, so the affinity becomes {1} too.
        const string text = """
            irq = vector_alloc({0}, none)
            cpu_offline(0)
            request_irq(irq)
            vector_alloc({0}, none)
            """;
        var (m, _) = RunClean(text);
        var d = m.Irqs[24]!;
        Assert.Equal("{1-3}", d.Affinity.ToString());
        Assert.Equal(1, m.Vector.Apic(24)!.Cpu);
        Assert.False(d.AffinityBroken);
    }

    [Fact]
    public void Irq_with_an_online_cpu_in_its_affinity_keeps_the_affinity_at_request()
    {
        const string text = """
            irq = vector_alloc({0-1}, none)
            cpu_offline(0)
            request_irq(irq)
            """;
        var (m, _) = RunClean(text);
        Assert.Equal("{0-1}", m.Irqs[24]!.Affinity.ToString());
        Assert.Equal(1, m.Vector.Apic(24)!.Cpu);
    }

    [Fact]
    public void Managed_irq_activated_early_on_a_cpu_that_went_down_gets_a_vector_on_an_online_cpu_of_its_mask()
    {
        // I-V8/I-V11/I-V16 finding (verify fuzz, seed 5): migrate_one_irq skips the unstarted irq,
        // so irq_startup's IRQ_STARTUP_MANAGED irq_do_set_affinity has to move it.
        const string text = """
            irq = vector_alloc({0,2}, managed)
            vector_activate(irq)
            cpu_offline(2)
            request_irq(irq)
            apic_raise(irq)
            """;
        var (m, _) = RunClean(text);
        var a = m.Vector.Apic(24)!;
        Assert.Equal((0, 0x20), (a.Cpu, a.Vector));
        Assert.Equal(0, m.Matrix.Map(2).ManagedAllocated);
        Assert.Equal(1, m.Irqs[24]!.Invocations);
    }

    [Fact]
    public void Activation_outside_an_offline_affinity_breaks_the_affinity()
    {
        // I-V11 finding (verify, seed 6): assign_irq_vector_any_locked falls back to all online CPUs.
        const string text = """
            irq = vector_alloc({1}, none)
            cpu_offline(1)
            vector_activate(irq)
            """;
        var (m, _) = RunClean(text);
        Assert.Equal(0, m.Vector.Apic(24)!.Cpu);
        Assert.True(m.Irqs[24]!.AffinityBroken);
        Assert.Equal("{1}", m.Irqs[24]!.Affinity.ToString());
    }
}
