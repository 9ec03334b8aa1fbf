using IrqVerify.Model.Core;

namespace IrqVerify.Model.Invariants;

/// <summary>Generic irq layer invariants (spec §8, I-G*).</summary>
public static class GenericInvariants
{
    /// <summary>What every check of this class reads: the irq descriptors only.</summary>
    public const StateScope Reads = StateScope.Irqs;

    public static IEnumerable<InvariantCheck> All => InvariantCheck.Reading(Reads,
    [
        new("I-G1", InvariantKind.Safety, "handle_edge_irq never runs an irq's handler on two CPUs at once", IG1),
        new("I-G2", InvariantKind.Eventual, "no interrupt is lost: after a drain no requested, enabled irq still owes a handler run", IG2),
        new("I-G3", InvariantKind.Safety, "a deferred move that is pending keeps its pending mask", IG3),
    ]);

    /// <summary>I-G1: at most one CPU inside the handler of a non-per-CPU irq.</summary>
    public static void IG1(Machine m, List<Violation> v)
    {
        foreach (var d in m.Irqs.AllocatedDescs())
            if (d.Allocated && !d.IsPerCpu && d.HandlersRunning > 1)
                v.Add(new("I-G1", $"irq {d.Irq}: handler running on {d.HandlersRunning} CPUs at once"));
    }

    /// <summary>I-G2 (eventual, x86/PCI side; Xen ports are I-X11): a raised interrupt of a requested,
    /// enabled, started irq was handled.</summary>
    public static void IG2(Machine m, List<Violation> v)
    {
        foreach (var d in m.Irqs.AllocatedDescs())
            if (d.Allocated && d.Owner != Irq.IrqOwner.Xen && d.AwaitingHandler && d.Action is not null && d.DisableDepth == 0 && d.Started)
                v.Add(new("I-G2", $"irq {d.Irq}: an interrupt was raised but its handler never ran (lost interrupt)"));
    }

    /// <summary>I-G3: a pending deferred move has a non-empty pending mask.</summary>
    public static void IG3(Machine m, List<Violation> v)
    {
        foreach (var d in m.Irqs.AllocatedDescs())
            if (d.Allocated && d.MovePending && d.PendingMask.IsEmpty)
                v.Add(new("I-G3", $"irq {d.Irq}: move pending with an empty pending mask"));
    }
}
