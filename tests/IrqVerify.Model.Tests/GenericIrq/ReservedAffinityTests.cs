using IrqVerify.Model.Core;
using IrqVerify.Model.Tests.Programs;

namespace IrqVerify.Model.Tests.GenericIrq;

/// <summary>V11 (docs/model-deviations.md): msi_init_virq clears IRQD_ACTIVATED after a
/// reservation-mode activation, so irq_set_affinity before request_irq only stores the mask
/// (irq_set_affinity_deactivated) and request_irq's activation places the irq inside it.</summary>
public class ReservedAffinityTests
{
    [Fact]
    public void V11_affinity_of_a_reservation_mode_msi_irq_is_stored_and_used_at_request()
    {
        const string text = """
            n = pci_alloc_irq_vectors(dev1, 1, 1, msix)
            irq = pci_irq_vector(dev1, 0)
            irq_set_affinity(irq, {1})
            request_irq(irq)
            """;
        var (m, report) = ProgramKit.Run(text);
        Assert.Equal("0", report.Ops[2].Result);
        Assert.DoesNotContain(m.Diagnostics.Items, d => d.Severity is Severity.Warn or Severity.Misuse);
        int irq = int.Parse(report.Ops[1].Result);
        var d = m.Irqs[irq]!;
        Assert.True(d.Started);
        Assert.Equal(CpuMask.Of(1), d.Affinity);
        Assert.Equal(1, m.Vector.Target(irq).cpu);
        Assert.Empty(report.Violations);
    }
}
