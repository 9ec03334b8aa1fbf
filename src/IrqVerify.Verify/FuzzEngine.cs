using System.Diagnostics;
using IrqVerify.Fuzz;
using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Program;
using IrqVerify.Report;
using IrqVerify.Testing;
using TestCase = IrqVerify.Testing.Scenario;

namespace IrqVerify.Verify;

/// <summary>
/// An in-process fuzz burst (src/IrqVerify.Fuzz) seeded with the example programs and the pinned
/// regressions. On a variant the fuzzer's own signature is already differential. On the reference
/// model the fuzzer confirms each candidate thoroughly and the judge classes it (Model.Verdict), as
/// every engine does: caller misuse and known upstream findings are counted, not reported.
/// </summary>
public static class FuzzEngine
{
    public const string Name = "fuzz";

    /// <summary>Every id the catalogue can report: stopping at the first failure of any kind (zoo).</summary>
    private static readonly string[] AnyId = InvariantCatalog.All.Select(c => c.Id).Concat(["REFINE", "model.drain", "model.deadlock"]).ToArray();

    public static EngineRun Run(VerifyOptions o, TimeSpan budget, Action<EngineProgress>? progress)
    {
        var sw = Stopwatch.StartNew();
        var cfg = o.Machine ?? FuzzMachines.Small();
        var v = o.MakeVariants();
        var table = new OpTable(cfg);
        var failures = new List<FailureReport>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? machinePath = o.MachinePath is null ? null : Path.GetFullPath(o.MachinePath);
        string MachineFile()
        {
            if (machinePath is not null) return machinePath;
            Directory.CreateDirectory(Path.GetFullPath(o.OutDir));
            machinePath = Path.Combine(Path.GetFullPath(o.OutDir), "fuzz-machine.json");
            File.WriteAllText(machinePath, cfg.ToJson() + "\n");
            return machinePath;
        }
        var request = new FuzzBurst.Request(o.Seed, o.Execs is null ? budget.TotalSeconds : null, o.Execs ?? long.MaxValue, cfg.ToJson(),
            [.. o.Variants], o.DesignArg, o.Strict, o.Corpus, [.. Repo.SeedDirs()], null);
        var result = FuzzBurst.Run(request, cfg, v, (execs, corpus, found, seconds) =>
            progress?.Invoke(new EngineProgress(Name, execs, "execs", Math.Min(1, o.Execs is { } n ? (double)execs / n : seconds / budget.TotalSeconds), found,
                $"corpus {corpus}, {(seconds > 0 ? execs / seconds : 0):F0}/s", false)));
        foreach (var found in result.Failures)
        {
            var f = FuzzBurst.ToFailure(found, table);
            var ids = f.Ids.ToList();
            if (!seen.Add(Ids.Key(ids))) continue;
            failures.Add(ReportOf(f, ids, table, v, MachineFile(), o));
        }
        string note = $"machine {cfg.Name}, seed {o.Seed}, corpus {result.Corpus}, {result.ExecsPerSecond:F0} execs/s" +
                      (result.EdgeCoverage ? $", {result.Edges} SharpFuzz edges" : " (no edge coverage: the loaded model is not instrumented)") +
                      (result.Excused > 0 ? $", {result.Excused} excused (caller misuse / known findings)" : "") + result.CorpusNote;
        progress?.Invoke(new EngineProgress(Name, result.Execs, "execs", 1, failures.Count, note, true));
        var run = new EngineRun { Summary = new EngineSummary(Name, result.Execs, "execs", sw.Elapsed, failures.Count, note), Rerun = $"--execs {result.Execs}" };
        run.Failures.AddRange(failures);
        run.Cases.Add(new CaseSummary(Name, CaseName(cfg), result.Execs, "execs", sw.Elapsed, note));
        return run;
    }

    /// <summary>The fuzz engine's one test case: the machine it fuzzes.</summary>
    public static string CaseName(MachineConfig cfg) => "machine " + cfg.Name;

    /// <summary>The judge's label per id: the minimized program re-run thoroughly without strict,
    /// where the judge classes each finding (under strict every finding fails, whatever its class).</summary>
    public static IReadOnlyList<string> Classes(FuzzProgram p, IReadOnlyList<string> ids, OpTable table, Variants v)
    {
        var exec = new FuzzExecutor(table, v) { Thorough = true, Strict = false };
        Fuzzer.SignatureOf(exec, p, out var r);
        if (r is null) return [];
        return ids.Select(id => !r.Ids.Contains(id) && r.Excused.Any(x => x.Violation.Id == id)
            ? r.Excused.First(x => x.Violation.Id == id).Class.Label : "VIOLATION").ToList();
    }

    /// <summary>The report of a fuzz finding (written to o.OutDir): messages, narrative, replay, test, timeline.</summary>
    public static FailureReport ReportOf(FuzzFailure f, IReadOnlyList<string> ids, OpTable table, Variants v, string machinePath, VerifyOptions o)
    {
        var (path, replay) = Findings.Write(f, Path.GetFullPath(o.OutDir), table, v, machinePath);
        var variants = v.Enabled().ToList();
        var prog = ProgramParser.Parse(f.Text, path, table.Machine);
        var sorted = ids.OrderBy(x => x, StringComparer.Ordinal).ToList();
        // Messages and timeline from a thorough sequential run (a parallel group is told sequentially).
        var run = TimelineBuilder.FromProgram(table.Machine, v, prog);
        var report = run.Report;
        var messages = sorted.Select(id => report.Violations.FirstOrDefault(x => x.Violation.Id == id)?.Violation.ToString() ?? id).ToList();
        string story = Narrative.OfProgram(prog, table.Machine, v, sorted, messages);
        return new FailureReport
        {
            Engine = Name,
            Invariants = sorted,
            Messages = messages,
            Counterexample = $"# machine {table.Machine.Name}, variants {v}\n{f.Text}",
            Narrative = f.Program.HasGroups ? "(operations of a parallel group, told in program order) " + story : story,
            Replay = replay + (f.Program.HasGroups ? "" : " --quiet"),
            RegressionTest = f.Program.HasGroups
                ? RegressionTest.ForFuzzProgram(f.Text, table.Machine, variants, sorted)
                : RegressionTest.ForProgram(Name, prog, table.Machine, variants, sorted),
            Timeline = run.Timeline,
            Case = CaseName(table.Machine),
            Classes = o.Strict ? Classes(f.Program, sorted, table, v) : [],
        };
    }

    /// <summary>Hunts a variant until the first (differential) failure or the budget (zoo).</summary>
    public static Detection? Hunt(string variant, ulong seed, TimeSpan budget)
    {
        var v = new Variants();
        v.TryEnable(variant);
        var cfg = FuzzMachines.Small();
        var r = FuzzBurst.Run(new FuzzBurst.Request(seed, budget.TotalSeconds, long.MaxValue, cfg.ToJson(), [variant], null, false, null,
            [.. Repo.SeedDirs()], AnyId), cfg, v, null);
        if (r.Failures.Count == 0) return null;
        var f = r.Failures[0];
        return new Detection(f.Signature.Split(','), f.FoundAtExec, TimeSpan.FromSeconds(f.FoundAfterSeconds), $"exec {f.FoundAtExec}");
    }
}
