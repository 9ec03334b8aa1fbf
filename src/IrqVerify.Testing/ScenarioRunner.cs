using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Verdict;

namespace IrqVerify.Testing;

/// <summary>The result of running a scenario with every check, its findings classified by the
/// run's <see cref="Judge"/>.</summary>
public sealed class ScenarioOutcome
{
    public required Machine Machine { get; init; }
    public required RunReport Report { get; init; }
    /// <summary>An exception the model threw (a model defect: contract violations are never exceptions).</summary>
    public Exception? Crash { get; init; }
    /// <summary>The findings that fail the run (violations, plus model.deadlock / model.drain; under
    /// strict also misuse and known findings).</summary>
    public required IReadOnlyList<FoundViolation> Failures { get; init; }
    /// <summary>Findings the program's own caller misuse explains (the kernel's WARN), when not strict.</summary>
    public required IReadOnlyList<FoundViolation> Excused { get; init; }
    /// <summary>Known upstream behaviour (F1..F7), when not strict.</summary>
    public required IReadOnlyList<FoundViolation> Known { get; init; }

    public bool Ok => Crash is null && Failures.Count == 0;

    public IEnumerable<string> FailedIds => Failures.Select(f => f.Violation.Id).Distinct();

    /// <summary>The violated ids and the first violation of each, one per line.</summary>
    public string Describe()
    {
        if (Crash is not null) return $"the model threw {Crash.GetType().Name}: {Crash.Message}";
        return string.Join("\n", Failures.GroupBy(f => f.Violation.Id).Select(g => $"  {g.First().Labelled()}" + (g.Count() > 1 ? $" (+{g.Count() - 1} more)" : "")));
    }
}

/// <summary>
/// Runs scenarios through <see cref="ProgramRunner"/> with every safety invariant after every step,
/// refinement after every operation and the eventual invariants after a drain; the run's
/// <see cref="Judge"/> classifies each finding (violation, caller misuse, known upstream behaviour).
/// </summary>
public static class ScenarioRunner
{
    /// <param name="strict">Misuse and known findings fail too (<c>--strict</c>).</param>
    public static ScenarioOutcome Run(Scenario s, RunOptions? options = null, bool strict = false)
    {
        var m = s.Boot();
        RunReport report;
        Exception? crash = null;
        try
        {
            report = ProgramRunner.Run(m, s.Program, options ?? new RunOptions());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            report = new RunReport();
            crash = e;
        }
        var failures = report.Failing(strict).ToList();
        foreach (var d in m.Diagnostics.Items)
            if (d.Severity == Severity.Fatal && d.Rule is "model.deadlock" or "model.drain")
                failures.Add(new FoundViolation(new Violation(d.Rule, d.Message), 0, "(run)", "runner", Classification.Violation));
        return new ScenarioOutcome
        {
            Machine = m, Report = report, Crash = crash, Failures = failures,
            Excused = strict ? [] : report.Violations.Where(v => v.Class.Class == FindingClass.Misuse).ToList(),
            Known = strict ? [] : report.Violations.Where(v => v.Class.Class == FindingClass.Known).ToList(),
        };
    }
}
