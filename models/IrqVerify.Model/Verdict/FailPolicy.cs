namespace IrqVerify.Model.Verdict;

/// <summary>
/// Which classes of the judge's findings fail a run (<c>--fail-on</c>): a violation always does;
/// caller misuse and known upstream behaviour only when named (<c>--strict</c> names both). The
/// policy never re-classifies: it reads the <see cref="Classification"/> the judge gave.
/// </summary>
public readonly record struct FailPolicy(bool Misuse, bool Known)
{
    public static readonly FailPolicy Default = new(false, false);
    public static readonly FailPolicy Strict = new(true, true);

    public static readonly string[] Names = ["violation", "misuse", "known"];

    public bool Fails(FindingClass c) => c switch
    {
        FindingClass.Violation => true,
        FindingClass.Misuse => Misuse,
        _ => Known,
    };

    public bool Fails(Classification c) => Fails(c.Class);

    /// <summary>By a <see cref="Classification.Label"/>: VIOLATION, MISUSE, KNOWN F1.</summary>
    public bool Fails(string label) => Fails(ClassOf(label));

    /// <summary>A finding with several ids fails when one of them does; no labels: a violation.</summary>
    public bool Fails(IReadOnlyCollection<string> labels) => labels.Count == 0 || labels.Any(Fails);

    public static FindingClass ClassOf(string label) =>
        label == "MISUSE" ? FindingClass.Misuse : label.StartsWith("KNOWN", StringComparison.Ordinal) ? FindingClass.Known : FindingClass.Violation;

    /// <summary>Engines must report misuse and known findings (strict) so the policy can see them.</summary>
    public bool EnginesStrict => Misuse || Known;

    /// <summary>"--fail-on violation|misuse|known" (repeatable, or comma-separated) and "--strict" (= misuse,known).</summary>
    public static FailPolicy Parse(IEnumerable<string>? values, bool strict)
    {
        var p = strict ? Strict : Default;
        foreach (string raw in values ?? [])
            foreach (string n in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                p = n switch
                {
                    "violation" => p,
                    "misuse" => p with { Misuse = true },
                    "known" => p with { Known = true },
                    _ => throw new ModelInputException("--fail-on", 0, 0, $"unknown class '{n}' (violation, misuse, known)"),
                };
        return p;
    }

    /// <summary>The option that asks for this policy again ("" for the default).</summary>
    public string Flags => this == Default ? "" : this == Strict ? " --strict" : " --fail-on " + this;

    public override string ToString() => "violation" + (Misuse ? ",misuse" : "") + (Known ? ",known" : "");
}
