using IrqVerify.Model.Tests.Programs;

namespace IrqVerify.Model.Tests.GenericIrq;

/// <summary>irq_startup(desc, IRQ_RESEND, ...) replays an IRQS_PENDING interrupt (kernel/irq/chip.c
/// irq_startup → check_irq_resend; docs/model-deviations.md D13).</summary>
public class StartupResendTests
{
    [Fact]
    public void D13_an_interrupt_pending_through_a_managed_shutdown_is_replayed_when_the_cpu_comes_back()
    {
        const string text = """
            irq = vector_alloc({2}, managed)
            request_irq(irq)
            apic_raise(irq)
            disable_irq(irq)
            interrupt(2)
            """;
        var (m, _) = ProgramKit.Run(text);
        var d = m.Irqs[24]!;
        Assert.True(d.PendingReplay);
        Assert.Equal(0, d.Invocations);

        var (m2, report) = ProgramKit.Run(text + "\ncpu_offline(2)\ncpu_online(2)\n");
        var d2 = m2.Irqs[24]!;
        Assert.True(d2.Started);
        Assert.Equal(0, d2.DisableDepth);
        Assert.False(d2.PendingReplay);
        Assert.Equal(1, d2.Invocations);
        Assert.Empty(report.Violations);
    }
}
