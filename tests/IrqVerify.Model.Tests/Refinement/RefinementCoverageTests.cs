using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Refinement;

namespace IrqVerify.Model.Tests.Refinement;

/// <summary>Checks of the checker: refinement covers every operation kind, and the clauses of
/// irq_set_affinity and xen_rebind fail on steps they must reject.</summary>
public class RefinementCoverageTests
{
    [Fact]
    public void Every_operation_of_the_vocabulary_has_a_refinement_clause()
    {
        var missing = OpCatalog.Default.All.Select(o => o.Name).Where(n => !AbstractSpec.Covered.Contains(n)).ToList();
        Assert.Empty(missing);
        var names = OpCatalog.Default.All.Select(o => o.Name).ToHashSet();
        Assert.DoesNotContain(AbstractSpec.Covered, n => !names.Contains(n));
    }

    [Fact]
    public void An_operation_without_a_clause_is_a_refinement_failure()
    {
        var s = AbstractState.Of(new Machine(MachineConfig.Default()));
        var v = new List<Violation>();
        AbstractSpec.Check("new_op", new OpArgs([]), new OpResult(), s, s, v);
        Assert.Equal(["REFINE: new_op: no refinement clause for this operation"], v.Select(x => x.ToString()));
    }

    [Fact]
    public void A_refused_affinity_change_that_moved_the_irq_fails_refinement()
    {
        var m = new Machine(MachineConfig.Default());
        var (_, r) = ProgramKitRun(m, "irq = vector_alloc({0}, none)\nrequest_irq(irq)\n");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        var before = AbstractState.Of(m);
        ProgramRunner.Run(m, ProgramParser.Parse("irq_set_affinity(24, {1})\n", "t.irq", m.Config), new RunOptions { Drain = false });
        var after = AbstractState.Of(m);
        Assert.NotEqual(before.Irqs[24], after.Irqs[24]);   // a move in progress: two vector pairs
        var failed = new OpResult();
        failed.Fail(Errno.EBUSY);
        var v = new List<Violation>();
        AbstractSpec.Check("irq_set_affinity", new OpArgs([24, 0b10]), failed, before, after, v);
        Assert.Single(v, x => x.Message.StartsWith("irq_set_affinity: failed with -EBUSY but changed irq 24", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rebind_that_changed_the_port_mapping_fails_refinement()
    {
        var cfg = MachineConfig.Default();
        var m = new Machine(cfg);
        var (_, r) = ProgramKitRun(m, "p = evtchn_alloc_unbound()\nirq = bind_evtchn_to_irq(p)\nq = evtchn_alloc_unbound()\nirq2 = bind_evtchn_to_irq(q)\n");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        var with2 = AbstractState.Of(m);
        ProgramRunner.Run(m, ProgramParser.Parse("unbind_from_irq(25)\n", "t.irq", m.Config), new RunOptions { Drain = false });
        var with1 = AbstractState.Of(m);
        var ok = new OpResult();
        ok.Set(0);
        var v = new List<Violation>();
        AbstractSpec.Check("xen_rebind", new OpArgs([24, 1]), ok, with2, with1, v);
        Assert.Contains(v, x => x.Message == "xen_rebind: changed the port → irq mapping");
        Assert.Contains(v, x => x.Message == "xen_rebind: allocated or freed a Linux irq");
    }

    private static (Machine M, RunReport R) ProgramKitRun(Machine m, string text) =>
        (m, ProgramRunner.Run(m, ProgramParser.Parse(text, "t.irq", m.Config), new RunOptions { Drain = false }));
}
