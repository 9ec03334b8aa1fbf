using IrqVerify.Model;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Program;
using IrqVerify.Model.Verdict;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>F5 (see Verdict.KnownFindings): an irq stranded on an offline CPU and started when no
/// online CPU has a free vector stays aimed at the offline CPU; with one vector free it moves.</summary>
public class KnownFindingF5Tests
{
    // Two CPUs, vectors 0x20..0x27 without the system vector 0x22: seven per CPU.
    private static readonly MachineConfig Small = MachineConfig.Parse(
        """{ "name": "small", "cpus": 2, "vectorStart": 32, "vectorEnd": 39, "systemVectors": [34], "reservationMode": false, "devices": [] }""", "small.json");

    private static string Stranded(int fillers) =>
        "irq0 = vector_alloc({0}, none)\ncpu_offline(0)\n" + string.Concat(Enumerable.Repeat("vector_alloc({1}, none)\n", fillers)) + "request_irq(irq0)\n";

    private static ScenarioOutcome Run(string text, bool strict) =>
        ScenarioRunner.Run(new Scenario(Small, ProgramParser.Parse(text, "t.irq", Small), []), strict: strict);

    [Fact]
    public void Started_with_no_free_vector_online_the_irq_stays_on_the_offline_cpu_and_is_known_F5()
    {
        var strict = Run(Stranded(6), strict: true);
        Assert.Equal(["I-V11", "I-V16", "I-V8"], strict.FailedIds.Order(StringComparer.Ordinal));
        var d = strict.Machine.Irqs[24]!;
        Assert.True(d.Started);
        Assert.Equal(0, d.EffectiveAffinity.First);
        Assert.Contains(strict.Machine.Diagnostics.Items, x => x.Rule == "irq_startup" && x.Message == Judge.StaleStartText(24, 0));

        var excused = Run(Stranded(6), strict: false);
        Assert.True(excused.Ok, excused.Describe());
        Assert.Equal(["F5", "F5", "F5"], excused.Known.Select(f => f.Class.KnownId));
    }

    [Fact]
    public void With_one_vector_free_on_the_online_cpu_the_startup_moves_the_irq_there()
    {
        var o = Run(Stranded(5), strict: true);
        Assert.True(o.Ok, o.Describe());
        Assert.Equal(1, o.Machine.Irqs[24]!.EffectiveAffinity.First);
        Assert.DoesNotContain(o.Machine.Diagnostics.Items, x => x.Rule == "irq_startup");
    }

    [Fact]
    public void Another_irq_on_the_offline_cpu_is_not_excused_by_the_F5_note()
    {
        // irq 25 is stranded on CPU0 too; irq 24 is started the F5 way, irq 25 is corrupted into
        // "started" after the run, without the startup that writes the note.
        var o = Run(Stranded(6).Replace("cpu_offline(0)\n", "vector_alloc({0}, none)\ncpu_offline(0)\n"), strict: false);
        Assert.True(o.Ok, o.Describe());
        var d = o.Machine.Irqs[25]!;
        d.Activated = true;
        d.Started = true;
        var judge = new Judge();
        var v = InvariantCatalog.All.Single(c => c.Id == "I-V11").Run(o.Machine).Select(x => (x.Message, judge.Classify(o.Machine, x).ToString()));
        Assert.Equal([("irq 24: effective CPU0 is offline", $"KNOWN F5 ({KnownFindings.F5.Reason})"),
                      ("irq 25: effective CPU0 is offline", "VIOLATION")], v);
    }
}
