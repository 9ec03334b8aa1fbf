using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>F1 (see KnownFindings): the stale entry of an unstarted irq stays excused when another
/// irq's msi_set_affinity marks it RETRIGGERED; a RETRIGGERED entry never seen UNUSED is not.</summary>
public class KnownFindingF1Tests
{
    [Fact]
    public void A_stale_F1_entry_marked_retriggered_is_excused_and_strictly_I_V1()
    {
        var c = RegressionCorpus.Load().Single(x => Path.GetFileName(x.Path) == "f1-stale-entry-marked-retriggered.irq");
        var strict = ScenarioRunner.Run(c.Scenario, excuseKnownFindings: false);
        Assert.Contains(strict.Failures, f => f.Violation.Message == "irq 26: vector_irq[CPU0][0x21] is RETRIGGERED");
        var excused = ScenarioRunner.Run(c.Scenario);
        Assert.True(excused.Ok, excused.Describe());
    }

    [Fact]
    public void A_retriggered_entry_without_the_F1_window_is_not_excused()
    {
        var c = RegressionCorpus.Load().Single(x => Path.GetFileName(x.Path) == "f1-stale-entry-marked-retriggered.irq");
        var o = ScenarioRunner.Run(c.Scenario);
        // A fresh filter that never saw the entry UNUSED while irq 26 was unstarted excuses nothing.
        var v1 = new KnownFindings().Checks().Single(x => x.Id == "I-V1");
        Assert.Equal(["irq 26: vector_irq[CPU0][0x21] is RETRIGGERED"], v1.Run(o.Machine).Select(x => x.Message));
    }
}
