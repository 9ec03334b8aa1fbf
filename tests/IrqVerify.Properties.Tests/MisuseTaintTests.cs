using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Verdict;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>Verify finding (props, seed 1): pci_free_irq_vectors with a handler still requested (the
/// I-P15 contract violation; the kernel leaks the descriptor) and later request_irq on the leaked
/// irq, which writes the device's MSI message that now belongs to its next irq. Consequences about
/// the objects a carried-out misuse names are the program's fault; nothing else is.</summary>
public class MisuseTaintTests
{
    private const string Leak =
        "pci_alloc_irq_vectors(dev0, 1, 1, msi)\nirq1 = pci_irq_vector(dev0, 0)\nrequest_irq(irq1)\npci_free_irq_vectors(dev0)\nfree_irq(irq1)\n" +
        "pci_alloc_irq_vectors(dev0, 1, 1, msi)\nirq4 = pci_irq_vector(dev0, 0)\nrequest_irq(irq4)\nrequest_irq(irq1)\n";

    private static ScenarioOutcome Run(string text) =>
        ScenarioRunner.Run(new Scenario(MachineConfig.Default(), ProgramParser.Parse(text, "t.irq"), []));

    /// <summary>What the judge makes of a violation seen after the program's first <paramref name="lines"/> lines.</summary>
    private static FindingClass At(string text, int lines, string id, string message)
    {
        var prefix = string.Concat(text.Split('\n').Take(lines).Select(l => l + "\n"));
        var o = ScenarioRunner.Run(new Scenario(MachineConfig.Default(), ProgramParser.Parse(prefix, "t.irq"), []), new RunOptions { Drain = false });
        return new Judge().Classify(o.Machine, new Violation(id, message)).Class;
    }

    [Fact]
    public void Consequences_of_the_leaked_descriptor_are_excused_as_the_programs_misuse()
    {
        var o = Run(Leak);
        Assert.True(o.Ok, o.Describe());
        Assert.Equal(["I-P15", "I-P16", "I-P7", "REFINE"], o.Excused.Select(x => x.Violation.Id).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(o.Excused, x => x.Violation.Id == "I-P7" && x.Violation.Message.StartsWith("dev0: MSI mask register", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_the_named_objects_after_the_misuse_are_tainted()
    {
        Assert.Equal(FindingClass.Misuse, At(Leak, 9, "I-V8", "dev0: MSI vector 0 of irq 25 would send cpu0/0x20, which is irq 24"));
        Assert.Equal(FindingClass.Misuse, At(Leak, 6, "I-G2", "irq 24: an interrupt was raised but its handler never ran (lost interrupt)"));
        Assert.Equal(FindingClass.Violation, At(Leak, 3, "I-G2", "irq 24: an interrupt was raised but its handler never ran (lost interrupt)"));
        Assert.Equal(FindingClass.Violation, At(Leak, 9, "I-G2", "irq 245: an interrupt was raised but its handler never ran (lost interrupt)"));
        Assert.Equal(FindingClass.Violation, At(Leak, 9, "I-P7", "dev1: MSI mask register 0x00000000 differs from the cached mask 0x00000001"));
    }

    [Fact]
    public void A_refused_misuse_taints_nothing()
    {
        const string text = "irq = vector_alloc({0}, none)\nrequest_irq(irq)\nfree_irq(irq)\nfree_irq(irq)\n";
        Assert.Contains(Run(text).Machine.Diagnostics.Items, d => d.Rule == "free_irq");
        Assert.Equal(FindingClass.Violation, At(text, 4, "I-G2", "irq 24: an interrupt was raised but its handler never ran (lost interrupt)"));
    }

    /// <summary>Fuzz finding: the taint follows the damage. The leaked irq 24, started again, rewrites
    /// MSI-X entry 0, which the new allocation gave to irq 25 (I-V8, misuse: it names irq 24); irq 25's
    /// interrupt then reaches irq 24, and the I-G2 about irq 25 is the same misuse's doing.</summary>
    [Fact]
    public void An_irq_named_by_a_misuse_finding_is_tainted_too()
    {
        var c = RegressionCorpus.Load().Single(x => Path.GetFileName(x.Path) == "misuse-chain-leaked-irq-rewrites-entry.irq");
        var o = ScenarioRunner.Run(c.Scenario);
        Assert.True(o.Ok, o.Describe());
        Assert.Contains(o.Excused, x => x.Violation.Id == "I-V8" && x.Violation.Message.Contains("irq 25", StringComparison.Ordinal));
        var g2 = Assert.Single(o.Excused, x => x.Violation.Id == "I-G2");
        Assert.Equal("irq 25: an interrupt was raised but its handler never ran (lost interrupt)", g2.Violation.Message);
        Assert.Equal("irq 25 was left outside the contract by an earlier misuse finding of this run", g2.Class.Reason);
        Assert.Contains("I-G2", ScenarioRunner.Run(c.Scenario, strict: true).FailedIds);
    }
}
