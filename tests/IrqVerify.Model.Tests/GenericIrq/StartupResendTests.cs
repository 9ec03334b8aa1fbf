using IrqVerify.Model.Tests.Programs;

namespace IrqVerify.Model.Tests.GenericIrq;

/// <summary>irq_startup(desc, IRQ_RESEND, ...) replays an IRQS_PENDING interrupt (kernel/irq/chip.c
/// irq_startup → check_irq_resend; docs/model-deviations.md D13).</summary>
public class StartupResendTests
{
    [Fact]
    public void D13_an_interrupt_pending_through_a_managed_shutdown_is_replayed_when_the_irq_is_started_again()
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

        // 6.18: the shutdown at offline added a depth level and irq_startup_managed at online took
        // it off again: depth 1, still shut down, the interrupt still IRQS_PENDING.
        var (m2, _) = ProgramKit.Run(text + "\ncpu_offline(2)\ncpu_online(2)\n");
        var d2 = m2.Irqs[24]!;
        Assert.False(d2.Started);
        Assert.Equal(1, d2.DisableDepth);
        Assert.True(d2.PendingReplay);
        Assert.Equal(0, d2.Invocations);

        // The driver's enable_irq: irq_startup(IRQ_RESEND, IRQ_START_FORCE) replays it.
        var (m3, report) = ProgramKit.Run(text + "\ncpu_offline(2)\ncpu_online(2)\nenable_irq(irq)\n");
        var d3 = m3.Irqs[24]!;
        Assert.True(d3.Started);
        Assert.Equal(0, d3.DisableDepth);
        Assert.False(d3.PendingReplay);
        Assert.Equal(1, d3.Invocations);
        Assert.Empty(report.Violations);
    }
}
