using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Tests.Programs;

namespace IrqVerify.Model.Tests.Pci;

/// <summary>I-P16 finding: pci_disable_msi with a handler still requested (I-P15 misuse, descriptor
/// leaked), then free_irq: the shutdown masks the leaked vector, so a mask bit of the disabled MSI
/// is set. The kernel only tolerates this order; the model reports it as I-P16 caller misuse.</summary>
public class DisableWithHandlerMisuseTests
{
    private static (Machine M, RunReport R) Run(string text) => ProgramKit.Run(text);

    [Fact]
    public void Disabling_maskable_MSI_with_a_handler_reports_I_P16_misuse()
    {
        var (m, r) = Run("pci_alloc_irq_vectors(dev0, 1, 1, msi)\nirq = pci_irq_vector(dev0, 0)\nrequest_irq(irq)\npci_disable_msi(dev0)\nfree_irq(irq)\n");
        Assert.True(m.Config.Devices[0].Msi!.MaskBit);
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-P15");
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-P16");
        // The invariant still reports what happened; it is the program's own misuse.
        Assert.Contains("I-P16", r.ViolatedIds);
        Assert.Equal(1u, m.Pci.Devices[0].Msi!.MaskReg & 1u);
    }

    [Fact]
    public void Disabling_after_free_irq_is_no_I_P16_misuse_and_leaves_the_vector_unmasked()
    {
        var (m, r) = Run("pci_alloc_irq_vectors(dev0, 1, 1, msi)\nirq = pci_irq_vector(dev0, 0)\nrequest_irq(irq)\nfree_irq(irq)\npci_disable_msi(dev0)\n");
        Assert.DoesNotContain(m.Diagnostics.Items, d => d.Severity == Severity.Misuse);
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        Assert.Equal(0u, m.Pci.Devices[0].Msi!.MaskReg & 1u);
    }
    /// <summary>I-P13 finding (verify fuzz): pci_msix_free_irq with the handler still requested leaks
    /// the descriptor with its entry unmasked: reported as I-P13 (and I-P16) caller misuse.</summary>
    [Fact]
    public void Freeing_an_MSI_X_vector_with_a_handler_reports_I_P13_misuse()
    {
        var (m, r) = Run("n = pci_alloc_irq_vectors(dev1, 0, 1, msix)\nirq = pci_irq_vector(dev1, 0)\nrequest_irq(irq)\npci_msix_free_irq(dev1, irq)\n");
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-P15");
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-P13");
        Assert.Contains("I-P13", r.ViolatedIds);
        Assert.False(m.Pci.Devices[1].Msix!.Entries[0].Masked);
    }
}
