using IrqVerify.Model;
using IrqVerify.Model.Program;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>F4 (see Verdict.KnownFindings): a multi-MSI block's message is written only by its first irq.</summary>
public class KnownFindingF4Tests
{

    private static ScenarioOutcome Run(MachineConfig cfg, string text, bool excuse) =>
        ScenarioRunner.Run(new Scenario(cfg, ProgramParser.Parse(text, "t.irq", cfg), []), strict: !excuse);

    private static MachineConfig Remapped() => RegressionCorpus.Load().Single(c => Path.GetFileName(c.Path) == "f4-multi-msi-first-vector-offline.irq").Scenario.Machine;

    [Fact]
    public void First_vector_never_activated_leaves_the_block_unwritten_and_is_excused_as_F4()
    {
        const string text = "cpu_offline(0)\npci_alloc_irq_vectors(dev0, 1, 4, msi|affinity)\nirq = pci_irq_vector(dev0, 2)\nrequest_irq(irq)\ndevice_raise(dev0, 2)\n";
        var strict = Run(Remapped(), text, excuse: false);
        Assert.Equal(["I-G2"], strict.FailedIds);
        Assert.Contains(strict.Machine.Diagnostics.Items, d => d.Rule == "pci_msi_domain_write_msg"
            && d.Message == "irq 26: multi-MSI vector 2 of dev0 is live but only irq 24, not activated, writes the block's message");
        Assert.True(Run(Remapped(), text, excuse: true).Ok);
    }

    [Fact]
    public void First_vector_shut_down_by_cpu_offline_zeroes_the_block_and_is_excused_as_F4()
    {
        // irq 24 (vector 0, CPU0 only) is requested, so CPU0's offline shuts it down and deactivates it.
        const string text = "pci_alloc_irq_vectors(dev0, 1, 4, msi|affinity)\nfirst = pci_irq_vector(dev0, 0)\nirq = pci_irq_vector(dev0, 2)\n" +
                            "request_irq(first)\nrequest_irq(irq)\ncpu_offline(0)\ndevice_raise(dev0, 2)\n";
        var strict = Run(Remapped(), text, excuse: false);
        Assert.Equal(["I-G2"], strict.FailedIds);
        Assert.Contains(strict.Machine.Diagnostics.Items, d => d.Rule == "pci_msi_domain_write_msg" && d.Message.StartsWith("irq 26: ", StringComparison.Ordinal));
        Assert.True(Run(Remapped(), text, excuse: true).Ok);
    }

    [Fact]
    public void With_the_first_vector_live_the_block_delivers_and_nothing_is_logged()
    {
        const string text = "pci_alloc_irq_vectors(dev0, 1, 4, msi|affinity)\nirq = pci_irq_vector(dev0, 2)\nrequest_irq(irq)\ndevice_raise(dev0, 2)\n";
        var o = Run(Remapped(), text, excuse: false);
        Assert.True(o.Ok, o.Describe());
        Assert.DoesNotContain(o.Machine.Diagnostics.Items, d => d.Rule == "pci_msi_domain_write_msg");
        Assert.Equal(1, o.Machine.Irqs[26]!.Invocations);
    }
}
