using IrqVerify.Model.Verdict;

namespace IrqVerify.Report;

/// <summary>
/// What `irqverify verify` found, engine-neutral: the summary rows and, per distinct failure, a
/// readable counterexample, a narrative in the kernel's terms, the replay line, a ready-to-paste
/// regression test and a per-CPU timeline. Written as text by the CLI and as HTML by <c>HtmlReport</c>.
/// </summary>
public sealed class VerifyReport
{
    public required string Title { get; init; }
    /// <summary>"reference" or the variant names.</summary>
    public required string Variant { get; init; }
    public required string Machine { get; init; }
    public ulong Seed { get; init; }
    public TimeSpan Budget { get; init; }
    public TimeSpan Elapsed { get; init; }
    public List<EngineSummary> Engines { get; } = new();
    /// <summary>What each engine ran per scenario / generator profile / machine (JUnit test cases).</summary>
    public List<CaseSummary> Cases { get; } = new();
    public List<FailureReport> Failures { get; } = new();
    /// <summary>No finding fails under the policy (findings it excuses may be listed).</summary>
    public bool Clean => !Failures.Any(f => Policy.Fails(f.Classes)) && !Tables.Any(t => t.Differs);
    /// <summary>The classes that fail (--fail-on); a violation always does.</summary>
    public FailPolicy Policy { get; init; } = FailPolicy.Default;
    /// <summary>"violation", "violation,misuse,known".</summary>
    public string FailOn => Policy.ToString();
    /// <summary>What the findings database said about findings of earlier runs absent from this one.</summary>
    public List<string> History { get; } = new();
    /// <summary>Tables after the summary (compare); a row that differs makes the report not clean.</summary>
    public List<ReportTable> Tables { get; } = new();
    /// <summary>One command line that re-runs exactly this work (count budgets, same seed).</summary>
    public string Rerun { get; init; } = "";
}

/// <summary>One row of the summary table.</summary>
public sealed record EngineSummary(string Engine, long Runs, string RunUnit, TimeSpan Elapsed, int Failures, string Notes);

/// <summary>One scenario, generator profile or machine an engine ran: its work, time and notes
/// (findings the judge excused, exhaustion, why it did not apply).</summary>
public sealed record CaseSummary(string Engine, string Name, long Runs, string RunUnit, TimeSpan Elapsed, string Notes);

/// <summary>One distinct failure (deduplicated by engine-independent invariant id set).</summary>
public sealed class FailureReport
{
    public required string Engine { get; init; }
    /// <summary>Violated invariant ids, e.g. ["I-V3", "I-V16"].</summary>
    public required IReadOnlyList<string> Invariants { get; init; }
    /// <summary>The first violation message per id.</summary>
    public required IReadOnlyList<string> Messages { get; init; }
    /// <summary>The minimized counterexample: a program in the textual format or a decision log.</summary>
    public required string Counterexample { get; init; }
    /// <summary>A short story in the kernel's terms ("CPU2 goes offline; irq 33 was moving 2→3; ...").</summary>
    public required string Narrative { get; init; }
    /// <summary>One line that replays it in a fresh process.</summary>
    public required string Replay { get; init; }
    /// <summary>A ready-to-paste xunit test pinning it.</summary>
    public required string RegressionTest { get; init; }
    public Timeline? Timeline { get; init; }
    /// <summary>The scenario, generator profile or machine it was found on.</summary>
    public string Case { get; init; } = "";
    /// <summary>The judge's label per invariant (VIOLATION, MISUSE, KNOWN F1); empty: violations.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];
    /// <summary>What the findings database knows of it ("new in run 3", "known since ... (run 1)").</summary>
    public string? History { get; set; }
}

/// <summary>A per-lane (CPU, vCPU, device, hypervisor) sequence of steps for the SVG timeline.</summary>
public sealed class Timeline
{
    /// <summary>Lane names in display order, e.g. "cpu0", "cpu1", "dev0", "xen".</summary>
    public List<string> Lanes { get; } = new();
    public List<TimelineStep> Steps { get; } = new();
}

/// <summary>One atomic step: its lane, a short label (operation and scheduling point), the effects and
/// the vector/port state after it (shown on hover), and whether it is where the violation appeared.</summary>
public sealed record TimelineStep(int Index, string Lane, string Label, string Detail, bool Violating);
