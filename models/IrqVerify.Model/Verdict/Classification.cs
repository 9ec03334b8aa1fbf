namespace IrqVerify.Model.Verdict;

/// <summary>The class of one finding, the known finding's id when it is one, and why.</summary>
public readonly record struct Classification(FindingClass Class, string? KnownId, string Reason)
{
    public static readonly Classification Violation = new(FindingClass.Violation, null, "");

    public static readonly Classification Expectation = new(FindingClass.Expectation, null, "");

    public static Classification Misuse(string reason) => new(FindingClass.Misuse, null, reason);

    public static Classification Known(KnownFinding f) => new(FindingClass.Known, f.Id, f.Reason);

    /// <summary>Whether the finding fails the run: a violation or a false expectation always; misuse
    /// and known upstream behaviour only under <paramref name="strict"/> (<c>--strict</c>).</summary>
    public bool Fails(bool strict) => Class is FindingClass.Violation or FindingClass.Expectation || strict;

    /// <summary>The label every command prints before the finding: VIOLATION, MISUSE, KNOWN F1.</summary>
    public string Label => Class switch
    {
        FindingClass.Violation => "VIOLATION",
        FindingClass.Misuse => "MISUSE",
        FindingClass.Expectation => "EXPECTATION FAILED",
        _ => "KNOWN " + KnownId,
    };

    /// <summary>"KNOWN F1 (reason)" / "MISUSE (reason)" / "VIOLATION".</summary>
    public override string ToString() => Reason.Length == 0 ? Label : $"{Label} ({Reason})";
}
