namespace IrqVerify.Model.Verdict;

/// <summary>
/// What a finding means, decided by <see cref="Judge"/> alone and reported the same way by every
/// command: a <see cref="Violation"/> of the model (or of a design under test), the caller's
/// <see cref="Misuse"/> of a kernel contract (what the kernel answers with a WARN), or
/// <see cref="Known"/> upstream behaviour (F1..F7, <see cref="KnownFindings"/>), or a program's own
/// <see cref="Expectation"/> (an <c>expect</c> line) that did not hold.
/// </summary>
public enum FindingClass
{
    Violation,
    Misuse,
    Known,
    Expectation,
}
