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

    [Fact]
    public void D17_a_new_descriptor_has_depth_one_so_disable_and_enable_before_request_start_nothing()
    {
        const string text = """
            irq = vector_alloc({0-1}, none)
            disable_irq(irq)
            enable_irq(irq)
            """;
        var (m, report) = ProgramKit.Run(text);
        var d = m.Irqs[24]!;
        Assert.Equal(["2", "1"], report.Ops.Skip(1).Select(o => o.Result));
        Assert.False(d.Started);
        Assert.True(d.Masked);
        Assert.Equal(1, d.DisableDepth);
    }

    [Fact]
    public void D17_one_enable_irq_on_a_new_descriptor_is_irq_startup_without_a_handler()
    {
        var (m, report) = ProgramKit.Run("irq = vector_alloc({0-1}, none)\nenable_irq(irq)\n");
        var d = m.Irqs[24]!;
        Assert.Equal("0", report.Ops[1].Result);
        Assert.True(d.Started);
        Assert.Null(d.Action);
        Assert.Equal(0, d.DisableDepth);
        Assert.DoesNotContain(m.Diagnostics.Items, x => x.Rule == "enable_irq");
    }
}
