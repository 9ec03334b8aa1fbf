using IrqVerify.Model.Core;

namespace IrqVerify.Model.Invariants;

/// <summary>Safety invariants hold after every step; eventual ones are checked at quiescence, after a drain.</summary>
public enum InvariantKind { Safety, Eventual }

/// <summary>
/// One catalogue entry (spec §8): a small pure function over the machine state that appends a
/// <see cref="Violation"/> for every broken instance, naming the CPU/vector/irq/port involved.
/// </summary>
public sealed record InvariantCheck(string Id, InvariantKind Kind, string Summary, Action<Machine, List<Violation>> Check)
{
    public List<Violation> Run(Machine m) { var v = new List<Violation>(); Check(m, v); return v; }
}
