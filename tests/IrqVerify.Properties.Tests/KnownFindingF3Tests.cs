using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Verdict;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>F3 (see Verdict.KnownFindings): only the interrupt that irq_force_complete_move dropped with the
/// old vector is excused; a lost interrupt without that drop still fails I-G2.</summary>
public class KnownFindingF3Tests
{
    private const string Forced =
        "irq0 = vector_alloc({}, none)\nrequest_irq(irq0)\napic_raise(irq0)\nirq_set_affinity(irq0, {1})\ncpu_offline(0)\n";

    private static ScenarioOutcome Run(string text, bool excuse) =>
        ScenarioRunner.Run(new Scenario(MachineConfig.Default(), ProgramParser.Parse(text, "t.irq"), []), strict: !excuse);

    [Fact]
    public void The_dropped_pending_interrupt_is_I_G2_strictly_and_excused_as_F3()
    {
        var strict = Run(Forced, excuse: false);
        Assert.Equal(["I-G2"], strict.FailedIds);
        Assert.Contains(strict.Machine.Diagnostics.Items, d => d.Rule == "irq_force_complete_move"
            && d.Message == "irq 24: interrupt pending on old vector 0x20 in CPU0's IRR is dropped");

        var excused = Run(Forced, excuse: true);
        Assert.True(excused.Ok, excused.Describe());
        Assert.Equal(["F3"], excused.Known.Select(f => f.Class.KnownId));
        Assert.True(excused.Machine.Irqs[24]!.AwaitingHandler);   // still lost, but known
    }

    [Fact]
    public void Without_a_pending_interrupt_the_forced_move_drops_nothing_and_logs_no_F3()
    {
        var o = Run(Forced.Replace("apic_raise(irq0)\n", ""), excuse: false);
        Assert.True(o.Ok, o.Describe());
        Assert.DoesNotContain(o.Machine.Diagnostics.Items, d => d.Message.Contains("is dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void A_lost_interrupt_on_another_irq_is_not_excused_by_an_F3_drop()
    {
        // irq 24 takes the F3 drop; irq 25's interrupt is lost by a corrupted state after the run.
        var text = Forced + "irq1 = vector_alloc({2}, none)\nrequest_irq(irq1)\n";
        var o = Run(text, excuse: true);
        Assert.True(o.Ok, o.Describe());
        var d = o.Machine.Irqs[25]!;
        d.AwaitingHandler = true;
        var judge = new Judge();
        var v = InvariantCatalog.All.Single(c => c.Id == "I-G2").Run(o.Machine).Select(x => (x.Message, judge.Classify(o.Machine, x).ToString()));
        Assert.Equal([("irq 24: an interrupt was raised but its handler never ran (lost interrupt)", $"KNOWN F3 ({KnownFindings.F3.Reason})"),
                      ("irq 25: an interrupt was raised but its handler never ran (lost interrupt)", "VIOLATION")], v);
    }
}
