using IrqVerify.Explorer;

namespace IrqVerify.Report.Tests;

public class TimelineBuilderTests
{
    [Fact]
    public void K10_counterexample_becomes_a_vcpu_timeline_with_the_violating_step_marked()
    {
        var (f, replay, t) = Samples.K10();
        Assert.Equal(Outcome.Fail, replay.Outcome);
        Assert.Contains("I-X9", replay.Failure!.Ids);
        // One box per explorer row, in order, then the drain; lanes are the two vCPU threads.
        Assert.Equal(replay.Timeline.Rows.Count + replay.Timeline.DrainEffects.Count + (replay.Failure.Kind == FailureKind.Eventual ? 1 : 0), t.Steps.Count);
        Assert.Equal(Enumerable.Range(1, t.Steps.Count), t.Steps.Select(s => s.Index));
        Assert.Equal(["vcpu0", "vcpu1"], t.Lanes.Take(2));
        Assert.All(t.Steps, s => Assert.Contains(s.Lane, t.Lanes));
        var v = Assert.Single(t.Steps, s => s.Violating);
        Assert.Equal(replay.Failure.Step, v.Index);
        var row = replay.Timeline.Rows[v.Index - 1];
        Assert.Equal(row.To, v.Label);
        Assert.Contains("!! I-X9", v.Detail);
        // The hover text carries the port state after the step.
        Assert.Contains("-- vector/port state after the step --", v.Detail);
        Assert.Contains("evtchn_to_irq[", v.Detail);
        Assert.True(f.Preemptions >= 1);
    }

    [Fact]
    public void Program_run_records_every_step_with_its_cpu_lane_and_marks_where_the_violation_appeared()
    {
        var run = Samples.Seed001();
        Assert.False(run.Report.Ok);
        Assert.Contains("I-V8", run.Report.ViolatedIds);
        var t = run.Timeline;
        Assert.Equal("cpu0", t.Lanes[0]);
        Assert.All(t.Steps, s => Assert.Contains(s.Lane, t.Lanes));
        Assert.Contains(t.Steps, s => s.Label == "request_irq done");
        var marked = t.Steps.Where(s => s.Violating).ToList();
        Assert.NotEmpty(marked);
        // The contiguous block breaks the MSI contract at allocation already (I-P17); I-V8 follows
        // when its CPU goes down. Each marked step is the one the runner checked after.
        var first = run.Report.Violations[0];
        Assert.Equal(("I-P17", "pci_alloc_irq_vectors(dev0, 1, 2, msi)"), (first.Violation.Id, first.Op));
        Assert.Contains("line: pci_alloc_irq_vectors(dev0, 1, 2, msi)", marked[0].Detail);
        Assert.Contains(marked, s => s.Detail.Contains("line: cpu_offline(0)") && s.Detail.Contains("!! I-V8"));
        Assert.Contains("!! " + first.Violation.Id, marked[0].Detail);
        Assert.Contains("x86 vector domain", marked[0].Detail);
    }

    [Fact]
    public void Violations_found_at_quiescence_get_a_quiescence_step()
    {
        var rec = new List<RecordedStep>
        {
            new("cpu0:request_irq", 0, "done", ["irq 24 requested"], "request_irq(irq)", ""),
            new(Lanes.Quiescence, -1, "quiescence", [], "(drain)", "") { Violating = true, ViolationText = "I-G4: lost" },
        };
        var t = TimelineBuilder.FromSteps(rec);
        Assert.Equal(["cpu0", "quiescence"], t.Lanes);
        Assert.Equal("request_irq done", t.Steps[0].Label);
        Assert.Contains("  * irq 24 requested", t.Steps[0].Detail);
        Assert.True(t.Steps[1].Violating);
        Assert.Contains("!! I-G4: lost", t.Steps[1].Detail);
    }
}
