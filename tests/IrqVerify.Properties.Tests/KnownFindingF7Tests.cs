using IrqVerify.Model.Verdict;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>F7 (see Verdict.KnownFindings): a managed irq the driver disabled across CPU hotplug is not
/// restarted at CPU online (6.16+), keeps its vector on the dead CPU, and an interrupt in that window
/// is lost. Without the driver's disable_irq the restart moves it and nothing is lost.</summary>
public class KnownFindingF7Tests
{
    private static RegressionCase Pinned() =>
        RegressionCorpus.Load().Single(c => Path.GetFileName(c.Path) == "f7-managed-disabled-across-hotplug.irq");

    [Fact]
    public void The_interrupt_sent_to_the_dead_cpu_is_I_G2_strictly_and_known_F7()
    {
        var c = Pinned();
        var strict = ScenarioRunner.Run(c.Scenario, strict: true);
        Assert.Equal(["I-G2"], strict.FailedIds);
        Assert.Contains(strict.Machine.Diagnostics.Items, d => d.Rule == "irq_startup_managed" && d.Message == Judge.DeferredRestartLossText(24, 2));

        var o = ScenarioRunner.Run(c.Scenario);
        Assert.True(o.Ok, o.Describe());
        Assert.Equal(["F7"], o.Known.Select(f => f.Class.KnownId));
    }

    [Fact]
    public void Without_the_drivers_disable_the_restart_moves_the_irq_and_nothing_is_lost()
    {
        var c = Pinned();
        var text = File.ReadAllText(c.Path).Replace("disable_irq(irq0)\n", "").Replace("enable_irq(irq0)\n", "")
            .Replace("expect irq(irq0).depth == 1\nexpect irq(irq0).started == false\nexpect irq(irq0).effective_cpu == 2\n",
                     "expect irq(irq0).depth == 0\nexpect irq(irq0).started == true\nexpect irq(irq0).effective_cpu == 0\n");
        var s = new Scenario(c.Scenario.Machine, Model.Program.ProgramParser.Parse(text, c.Path, c.Scenario.Machine), []);
        var o = ScenarioRunner.Run(s, strict: true);
        Assert.True(o.Ok, o.Describe());
        Assert.DoesNotContain(o.Machine.Diagnostics.Items, d => d.Rule == "irq_startup_managed");
    }
}
