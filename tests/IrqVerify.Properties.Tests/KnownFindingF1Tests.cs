using IrqVerify.Model.Core;
using IrqVerify.Model.Verdict;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>F1 (see Verdict.KnownFindings): the stale entry of an unstarted irq stays excused when another
/// irq's msi_set_affinity marks it RETRIGGERED; a RETRIGGERED entry never seen UNUSED is not.</summary>
public class KnownFindingF1Tests
{
    [Fact]
    public void A_stale_F1_entry_marked_retriggered_is_excused_and_strictly_I_V1()
    {
        var c = RegressionCorpus.Load().Single(x => Path.GetFileName(x.Path) == "f1-stale-entry-marked-retriggered.irq");
        var strict = ScenarioRunner.Run(c.Scenario, strict: true);
        Assert.Contains(strict.Failures, f => f.Violation.Message == "irq 24: vector_irq[CPU0][0x20] is RETRIGGERED");
        var excused = ScenarioRunner.Run(c.Scenario);
        Assert.True(excused.Ok, excused.Describe());
        Assert.Contains(excused.Known, f => f.Class.KnownId == "F1" && f.Violation.Message == "irq 24: vector_irq[CPU0][0x20] is RETRIGGERED");
    }

    [Fact]
    public void A_retriggered_entry_without_the_F1_window_is_not_excused()
    {
        var c = RegressionCorpus.Load().Single(x => Path.GetFileName(x.Path) == "f1-stale-entry-marked-retriggered.irq");
        var o = ScenarioRunner.Run(c.Scenario);
        // A fresh judge that never saw the entry UNUSED while irq 24 was unstarted excuses nothing.
        var v = new Violation("I-V1", "irq 24: vector_irq[CPU0][0x20] is RETRIGGERED");
        Assert.Equal(FindingClass.Violation, new Judge().Classify(o.Machine, v).Class);
    }
}
