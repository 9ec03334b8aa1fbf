using System.Globalization;
using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Refinement;
using IrqVerify.Model.Verdict;

namespace IrqVerify.Model.Program;

/// <summary>A violation with where it was first seen (program line, operation, thread and step) and
/// what the <see cref="Judge"/> made of it.</summary>
public sealed record FoundViolation(Violation Violation, int Line, string Op, string Where, Classification Class)
{
    public bool Fails(bool strict) => Class.Fails(strict);

    public override string ToString() => $"{Violation} (line {Line}: {Op}; at {Where})";

    /// <summary>The finding with its class first: "KNOWN F1 (reason) I-V1: ... (line 3: ...)";
    /// an expectation failure as "EXPECTATION FAILED file:line: expect ...: expected ..., actual ...".</summary>
    public string Labelled() => Class.Class switch
    {
        FindingClass.Violation => ToString(),
        FindingClass.Expectation => $"{Class.Label} {Violation.Message}",
        _ => $"{Class.Label} {this} — {Class.Reason}",
    };
}

/// <summary>The outcome of one operation line.</summary>
public sealed record OpOutcome(int Line, ProgramLine Call, string Result, IReadOnlyList<Diagnostic> Diagnostics);

public sealed class RunReport
{
    public List<OpOutcome> Ops { get; } = new();
    public List<FoundViolation> Violations { get; } = new();
    public bool Drained { get; set; }
    /// <summary>No finding of any class (what model unit tests assert).</summary>
    public bool Ok => Violations.Count == 0;
    /// <summary>The findings that fail the run: violations, and under <paramref name="strict"/> misuse and known findings too.</summary>
    public IEnumerable<FoundViolation> Failing(bool strict) => Violations.Where(v => v.Fails(strict));
    public IEnumerable<string> ViolatedIds => Violations.Select(v => v.Violation.Id).Distinct();
}

public sealed class RunOptions
{
    /// <summary>Check every safety invariant after every atomic step (else after every operation).</summary>
    public bool CheckEveryStep { get; init; } = true;
    /// <summary>After the program, drain to quiescence and check the eventual invariants.</summary>
    public bool Drain { get; init; } = true;
    /// <summary>Writes one line per operation (and the machine's trace, if it has one) here.</summary>
    public TextWriter? Log { get; init; }
    /// <summary>After every operation, check that the step refines the abstract specification (id REFINE).</summary>
    public bool CheckRefinement { get; init; } = true;
    /// <summary>Restrict checks to these invariants (null = the whole catalogue).</summary>
    public IReadOnlyList<InvariantCheck>? Checks { get; init; }
    /// <summary>Classifies each violation when first seen (null: a fresh one for this run).</summary>
    public Judge? Judge { get; init; }
}

/// <summary>
/// Runs a program sequentially on a machine: each operation to completion on its CPU, safety
/// invariants after every step, then a drain and the eventual invariants. Each distinct violation
/// is reported once, where it first appeared.
/// </summary>
public static class ProgramRunner
{
    public static RunReport Run(Machine m, IrqProgram program, RunOptions? options = null)
    {
        var o = options ?? new RunOptions();
        var report = new RunReport();
        var checks = o.Checks ?? InvariantCatalog.All;
        var safety = checks.Where(c => c.Kind == InvariantKind.Safety).ToArray();
        var eventual = checks.Where(c => c.Kind == InvariantKind.Eventual).ToArray();
        var seen = new HashSet<Violation>();
        var judge = o.Judge ?? new Judge();
        judge.Reset();
        var scratch = new List<Violation>();
        var vars = new Dictionary<string, long>(StringComparer.Ordinal);
        long lastResult = 0;
        int line = 0;
        string op = "(boot)";

        void Record(List<Violation> found, string where)
        {
            foreach (var v in found)
                if (seen.Add(v))
                {
                    var c = judge.Classify(m, v);
                    report.Violations.Add(new FoundViolation(v, line, op, where, c));
                    o.Log?.WriteLine(c.Class switch
                    {
                        FindingClass.Violation => $"      !! {v}",
                        FindingClass.Expectation => $"      !! {c.Label} {v.Message}",
                        _ => $"      !! {c.Label} {v} — {c.Reason}",
                    });
                }
        }

        void CheckSafety(string where)
        {
            scratch.Clear();
            foreach (var c in safety) c.Check(m, scratch);
            Record(scratch, where);
        }

        // After a step: only what the step can have changed is re-checked (the same findings as a
        // full round); the place is formatted only when something was found.
        var incremental = new IncrementalChecker(safety);
        void CheckStep(ModelThread t)
        {
            scratch.Clear();
            incremental.Check(m, scratch);
            if (scratch.Count > 0) Record(scratch, $"{t.Name} {t.Pending.Point}");
        }

        var previousHook = m.AfterStep;
        if (o.CheckEveryStep) m.AfterStep = CheckStep;
        try
        {
            CheckSafety("boot");
            int lineNo = 0;
            foreach (var call in program.Lines)
            {
                lineNo++;
                if (call.IsComment) continue;
                line = lineNo;
                op = call.Print();
                if (call.Expect is { } expect)
                {
                    o.Log?.WriteLine($"{lineNo,4}  {op}");
                    if (ExpectationCheck.Failure(m, expect, vars, lastResult, program.Source ?? "<program>", lineNo) is { } failed)
                    {
                        scratch.Clear();
                        scratch.Add(failed);
                        Record(scratch, "expect");
                    }
                    continue;
                }
                if (call.Op == ProgramLine.DumpDirective)
                {
                    if (o.Log is not null)
                    {
                        o.Log.WriteLine($"{lineNo,4}  dump()");
                        o.Log.WriteLine($"== state at line {lineNo} ==");
                        m.Dump(o.Log);
                        o.Log.WriteLine($"== end of state at line {lineNo} ==");
                    }
                    continue;
                }
                var spec = OpCatalog.Default[call.Op];
                var args = Resolve(call, vars);
                int cpu = spec.CpuParam >= 0 ? (int)args[spec.CpuParam] : spec.IsEnvironment ? -1 : 0;
                var result = new OpResult();
                int diagBefore = m.Diagnostics.Count;
                var before = o.CheckRefinement ? AbstractState.Of(m) : null;
                o.Log?.WriteLine($"{lineNo,4}  {op}");
                string thread = (cpu >= 0 ? $"cpu{cpu}" : "env") + ":" + call.Op;
                m.Run(thread, cpu, spec.Body(m, args, result));
                if (call.Bind is not null) vars[call.Bind] = result.Ok ? result.Value : -1;
                lastResult = result.Ok ? result.Value : -(long)result.Error;
                var diags = m.Diagnostics.Items.Skip(diagBefore).ToList();
                string res = result.ToString();
                report.Ops.Add(new OpOutcome(lineNo, call, res, diags));
                o.Log?.WriteLine($"      -> {res}");
                if (!o.CheckEveryStep) CheckSafety("after " + call.Op);
                if (before is not null)
                {
                    scratch.Clear();
                    AbstractSpec.Check(call.Op, args, result, before, AbstractState.Of(m), scratch);
                    Record(scratch, "after " + call.Op);
                }
            }
            if (o.Drain)
            {
                line = lineNo + 1;
                op = "(drain)";
                o.Log?.WriteLine($"{line,4}  (drain: deliver pending interrupts and events, run timers and EOIs)");
                report.Drained = m.Drain();
                CheckSafety("after drain");
                scratch.Clear();
                foreach (var c in eventual) c.Check(m, scratch);
                Record(scratch, "quiescence");
            }
        }
        finally
        {
            m.AfterStep = previousHook;
        }
        return report;
    }

    /// <summary>Argument values for one call; a variable whose producer failed resolves to -1.</summary>
    public static OpArgs Resolve(ProgramLine call, IReadOnlyDictionary<string, long> vars)
    {
        var values = new long[call.Args.Count];
        for (int i = 0; i < values.Length; i++)
        {
            var a = call.Args[i];
            values[i] = a.Variable is null ? a.Value : vars.TryGetValue(a.Variable, out long v) ? v : -1;
        }
        return new OpArgs(values);
    }

    public static string Describe(long v) => v.ToString(CultureInfo.InvariantCulture);
}
