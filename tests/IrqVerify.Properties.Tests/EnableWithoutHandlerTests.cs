using IrqVerify.Model.Verdict;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>enable_irq at depth 1 starts an irq that has no handler, and pci_msix_free_irq then frees
/// its vector with the MSI-X entry unmasked: the driver's unbalanced enable, classed as misuse by the
/// one verdict; strict runs fail it.</summary>
public class EnableWithoutHandlerTests
{
    private static RegressionCase Pinned() =>
        RegressionCorpus.Load().Single(c => Path.GetFileName(c.Path) == "misuse-enable-irq-without-handler-then-msix-free.irq");

    [Fact]
    public void The_entry_left_unmasked_is_caller_misuse_and_fails_only_strictly()
    {
        var c = Pinned();
        var strict = ScenarioRunner.Run(c.Scenario, strict: true);
        Assert.Equal(["I-P13", "I-P16"], strict.FailedIds.Order(StringComparer.Ordinal));

        var o = ScenarioRunner.Run(c.Scenario, strict: false);
        Assert.True(o.Ok, o.Describe());
        Assert.Equal([("I-P13", FindingClass.Misuse), ("I-P16", FindingClass.Misuse)],
            o.Excused.Select(f => (f.Violation.Id, f.Class.Class)).Order());
        Assert.Contains(o.Machine.Diagnostics.Items, d => d.Rule == "I-P13"
            && d.Message == "pci_msix_free_irq(dev1): irq 24 was started by enable_irq without a handler; its MSI-X entry stays unmasked without a vector");
    }

    [Fact]
    public void Without_the_enable_the_free_leaves_the_entry_masked_and_reports_nothing()
    {
        var c = Pinned();
        var text = File.ReadAllText(c.Path).Replace("enable_irq(irq1)\n", "").Replace("expect irq(irq1).started == true\n", "expect irq(irq1).started == false\n");
        var s = new Scenario(c.Scenario.Machine, Model.Program.ProgramParser.Parse(text, c.Path, c.Scenario.Machine), []);
        var o = ScenarioRunner.Run(s, strict: true);
        Assert.True(o.Ok, o.Describe());
        Assert.DoesNotContain(o.Machine.Diagnostics.Items, d => d.Rule == "I-P13");
    }
}
