using IrqVerify.Model.Core;

namespace IrqVerify.Model.Invariants;

/// <summary>Safety invariants hold after every step; eventual ones are checked at quiescence, after a drain.</summary>
public enum InvariantKind { Safety, Eventual }

/// <summary>
/// One catalogue entry (spec §8): a small pure function over the machine state that appends a
/// <see cref="Violation"/> for every broken instance, naming the CPU/vector/irq/port involved.
/// <paramref name="Reads"/> names every part of the machine the check reads (the incremental
/// checker re-runs it only when one of them changed); a check that reads more than it declares
/// can miss a violation, so declare generously.
/// </summary>
public sealed record InvariantCheck(string Id, InvariantKind Kind, string Summary, Action<Machine, List<Violation>> Check,
    StateScope Reads = StateScope.All)
{
    public List<Violation> Run(Machine m) { var v = new List<Violation>(); Check(m, v); return v; }

    /// <summary>The checks of one subsystem's catalogue, each declared to read <paramref name="reads"/>.</summary>
    public static IEnumerable<InvariantCheck> Reading(StateScope reads, IEnumerable<InvariantCheck> checks) =>
        checks.Select(c => c with { Reads = reads });
}
