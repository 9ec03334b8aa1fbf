using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Testing;

/// <summary>The result of running a scenario with every check.</summary>
public sealed class ScenarioOutcome
{
    public required Machine Machine { get; init; }
    public required RunReport Report { get; init; }
    /// <summary>An exception the model threw (a model defect: contract violations are never exceptions).</summary>
    public Exception? Crash { get; init; }
    /// <summary>Violations not explained by the program's own misuse, plus model.deadlock / model.drain.</summary>
    public required IReadOnlyList<FoundViolation> Failures { get; init; }
    /// <summary>Violations the program caused by caller misuse (a Misuse diagnostic with the same id).</summary>
    public required IReadOnlyList<FoundViolation> Excused { get; init; }

    public bool Ok => Crash is null && Failures.Count == 0;

    public IEnumerable<string> FailedIds => Failures.Select(f => f.Violation.Id).Distinct();

    /// <summary>The violated ids and the first violation of each, one per line.</summary>
    public string Describe()
    {
        if (Crash is not null) return $"the model threw {Crash.GetType().Name}: {Crash.Message}";
        return string.Join("\n", Failures.GroupBy(f => f.Violation.Id).Select(g => $"  {g.First()}" + (g.Count() > 1 ? $" (+{g.Count() - 1} more)" : "")));
    }
}

/// <summary>
/// Runs scenarios through <see cref="ProgramRunner"/> with every safety invariant after every step,
/// refinement after every operation and the eventual invariants after a drain. A violation whose id
/// the model also reported as caller Misuse (e.g. I-P15 after pci_free_irq_vectors with handlers
/// still requested) is the program's fault, not the model's: it is excused, not a failure; so is
/// a REFINE violation after the program's first misuse (the abstract specification has no
/// behaviour for a broken contract, e.g. a descriptor the kernel leaks on purpose), and a later
/// violation about an object such a misuse left outside the contract (<see cref="MisuseTaint"/>).
/// </summary>
public static class ScenarioRunner
{
    /// <param name="excuseKnownFindings">Excuse <see cref="KnownFindings"/> (upstream behaviour pinned
    /// as regressions); false runs the plain catalogue, as <c>irqverify run</c> does.</param>
    public static ScenarioOutcome Run(Scenario s, RunOptions? options = null, bool excuseKnownFindings = true)
    {
        var m = s.Boot();
        RunReport report;
        Exception? crash = null;
        var o = options ?? new RunOptions();
        if (excuseKnownFindings) o = new RunOptions
        {
            CheckEveryStep = o.CheckEveryStep, Drain = o.Drain, Log = o.Log, CheckRefinement = o.CheckRefinement,
            Checks = new KnownFindings().Checks(o.Checks),
        };
        try
        {
            report = ProgramRunner.Run(m, s.Program, o);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            report = new RunReport();
            crash = e;
        }
        var misuse = new HashSet<string>(m.Diagnostics.Items.Where(d => d.Severity == Severity.Misuse).Select(d => d.Rule), StringComparer.Ordinal);
        var failures = new List<FoundViolation>();
        var excused = new List<FoundViolation>();
        // After a contract violation the abstract specification defines nothing: REFINE from then on is excused.
        int firstMisuseLine = report.Ops.Where(op => op.Diagnostics.Any(d => d.Severity == Severity.Misuse)).Select(op => op.Line).DefaultIfEmpty(int.MaxValue).Min();
        var taint = MisuseTaint.Of(report);
        foreach (var v in report.Violations)
        {
            bool isExcused = misuse.Contains(v.Violation.Id) || (v.Violation.Id == "REFINE" && v.Line >= firstMisuseLine) || taint.Explains(v);
            (isExcused ? excused : failures).Add(v);
        }
        foreach (var d in m.Diagnostics.Items)
            if (d.Severity == Severity.Fatal && d.Rule is "model.deadlock" or "model.drain")
                failures.Add(new FoundViolation(new Violation(d.Rule, d.Message), 0, "(run)", "runner"));
        return new ScenarioOutcome { Machine = m, Report = report, Crash = crash, Failures = failures, Excused = excused };
    }
}
