using IrqVerify.Model.Core;
using IrqVerify.Model.Tests.Programs;

namespace IrqVerify.Model.Tests.GenericIrq;

/// <summary>irq_startup resets the disable depth (kernel/irq/chip.c:260; docs/model-deviations.md D11).</summary>
public class StartupDepthTests
{
    [Fact]
    public void D11_disable_before_request_is_forgotten_by_irq_startup_and_the_later_enable_is_unbalanced()
    {
        const string text = """
            irq = vector_alloc({0-1}, none)
            disable_irq(irq)
            request_irq(irq)
            enable_irq(irq)
            """;
        var (m, report) = ProgramKit.Run(text);
        var d = m.Irqs[24]!;
        Assert.True(d.Started);
        Assert.Equal(0, d.DisableDepth);
        Assert.False(d.Masked);
        Assert.Contains(m.Diagnostics.Items, x => x.Severity == Severity.Warn && x.Rule == "enable_irq");
        Assert.Equal("-EINVAL", report.Ops[3].Result);
    }
}
