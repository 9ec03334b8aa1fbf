using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Tests.Programs;

namespace IrqVerify.Model.Tests.Pci;

/// <summary>I-P13 finding (verify, seed 1): a raw pci_msi_unmask_irq of a dynamic MSI-X vector that
/// was never requested left its table entry unmasked, and pci_msix_free_irq (which only deactivates)
/// freed the descriptor behind it. The irq core owns the mask of an irq that is not started, so the
/// model refuses that unmask as caller misuse and the free leaves a masked entry.</summary>
public class RawUnmaskMisuseTests
{
    private const string Program =
        "n = pci_alloc_irq_vectors(dev1, 1, 1, msix)\nirq = pci_msix_alloc_irq_at(dev1, -1)\npci_msi_unmask_irq(irq)\npci_msix_free_irq(dev1, irq)\n";

    private static (Machine M, RunReport R) Run(string text) => ProgramKit.Run(text);

    [Fact]
    public void Unmasking_an_irq_that_is_not_started_is_refused_as_misuse_and_the_free_stays_clean()
    {
        var (m, r) = Run(Program);
        var d = Assert.Single(m.Diagnostics.Items, x => x.Severity == Severity.Misuse);
        Assert.Equal("pci_msi_unmask_irq", d.Rule);
        Assert.Equal("irq 25 is not started (request_irq/enable_irq unmask it): its mask belongs to the irq core", d.Message);
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        Assert.True(m.Pci.Devices[1].Msix!.Entries[1].Masked);
    }

    [Fact]
    public void The_same_unmask_after_request_irq_is_legal()
    {
        var (m, r) = Run(Program.Replace("pci_msi_unmask_irq(irq)\npci_msix_free_irq(dev1, irq)\n",
            "request_irq(irq)\npci_msi_mask_irq(irq)\npci_msi_unmask_irq(irq)\nfree_irq(irq)\npci_msix_free_irq(dev1, irq)\n"));
        Assert.DoesNotContain(m.Diagnostics.Items, x => x.Severity == Severity.Misuse);
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        Assert.True(m.Pci.Devices[1].Msix!.Entries[1].Masked);  // shut down by free_irq
    }

    /// <summary>Verify finding (seed 1, I-V8): an unmask behind disable_irq's back left a vector the
    /// core thinks masked live, so migrate_one_irq did not mask it around the move at CPU offline and
    /// the device could send the half-written message. Refused like the unstarted case.</summary>
    [Fact]
    public void Unmasking_an_irq_the_core_disabled_is_refused_as_misuse()
    {
        var (m, r) = Run(Program.Replace("pci_msi_unmask_irq(irq)\npci_msix_free_irq(dev1, irq)\n",
            "request_irq(irq)\ndisable_irq(irq)\npci_msi_unmask_irq(irq)\n"));
        var d = Assert.Single(m.Diagnostics.Items, x => x.Severity == Severity.Misuse);
        Assert.Equal("irq 25 is masked by the irq core (enable_irq unmasks it): its mask belongs to the irq core", d.Message);
        Assert.Equal("-EINVAL", r.Ops[^1].Result);
        Assert.True(m.Pci.Devices[1].Msix!.Entries[1].Masked);
    }
}
