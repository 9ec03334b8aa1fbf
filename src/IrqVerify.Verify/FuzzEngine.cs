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
/// model a failure the program caused by its own caller misuse, or a pinned known finding (F1/F2), is
/// excused the way the property runner excuses it, so only model defects are reported.
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
        int excused = 0;
        string? machinePath = o.MachinePath is null ? null : Path.GetFullPath(o.MachinePath);
        string MachineFile()
        {
            if (machinePath is not null) return machinePath;
            Directory.CreateDirectory(Path.GetFullPath(o.OutDir));
            machinePath = Path.Combine(Path.GetFullPath(o.OutDir), "fuzz-machine.json");
            File.WriteAllText(machinePath, cfg.ToJson() + "\n");
            return machinePath;
        }
        var fuzzer = new Fuzzer(new FuzzExecutor(table, v));
        var result = fuzzer.Run(new FuzzOptions
        {
            Seed = o.Seed,
            Budget = budget,
            Seeds = Findings.Seeds(table, Repo.SeedDirs()),
            Progress = s => progress?.Invoke(new EngineProgress(Name, s.Execs, "execs", Math.Min(1, s.Elapsed / budget), failures.Count,
                $"corpus {s.Corpus}, {s.ExecsPerSecond:F0}/s", false)),
            OnFailure = f =>
            {
                var ids = v.Enabled().Any() ? f.Ids.ToList() : NotExcused(f, table);
                if (ids.Count == 0) { excused++; return; }
                if (!seen.Add(Ids.Key(ids))) return;
                failures.Add(ReportOf(f, ids, table, v, MachineFile(), o));
            },
        });
        string note = $"machine {cfg.Name}, seed {o.Seed}, corpus {result.Stats.Corpus}, {result.Stats.ExecsPerSecond:F0} execs/s" +
                      (excused > 0 ? $", {excused} excused (caller misuse / known findings)" : "");
        progress?.Invoke(new EngineProgress(Name, result.Stats.Execs, "execs", 1, failures.Count, note, true));
        var run = new EngineRun { Summary = new EngineSummary(Name, result.Stats.Execs, "execs", sw.Elapsed, failures.Count, note) };
        run.Failures.AddRange(failures);
        return run;
    }

    /// <summary>The ids of a reference-model finding that neither the program's misuse nor a known finding explains.</summary>
    private static List<string> NotExcused(FuzzFailure f, OpTable table)
    {
        if (f.Signature.StartsWith("exception:", StringComparison.Ordinal)) return f.Ids.ToList();
        if (!f.Program.HasGroups)
        {
            var prog = ProgramParser.Parse(f.Text, "<fuzz>", table.Machine);
            var o = ScenarioRunner.Run(new TestCase(table.Machine, prog, []));
            return f.Ids.Where(id => o.FailedIds.Contains(id)).ToList();
        }
        // A parallel group: re-run thoroughly with the known findings excused (as ScenarioRunner
        // does for a sequential program), then drop what the program's own misuse explains.
        var exec = new FuzzExecutor(table, new Variants(), new KnownFindings().Checks()) { Thorough = true };
        Fuzzer.SignatureOf(exec, f.Program, out var again);
        var misuse = exec.LastMachine?.Diagnostics.Items.Where(d => d.Severity == Severity.Misuse).Select(d => d.Rule).ToHashSet() ?? [];
        return f.Ids.Where(id => again is null || again.Ids.Contains(id)).Where(id => !misuse.Contains(id)).ToList();
    }

    private static FailureReport ReportOf(FuzzFailure f, IReadOnlyList<string> ids, OpTable table, Variants v, string machinePath, VerifyOptions o)
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
        };
    }

    /// <summary>Hunts a variant until the first (differential) failure or the budget (zoo).</summary>
    public static Detection? Hunt(string variant, ulong seed, TimeSpan budget)
    {
        var v = new Variants();
        v.TryEnable(variant);
        var table = new OpTable(FuzzMachines.Small());
        var r = new Fuzzer(new FuzzExecutor(table, v)).Run(new FuzzOptions
        {
            Seed = seed, Budget = budget, Seeds = Findings.Seeds(table, Repo.SeedDirs()), StopOnIds = AnyId,
        });
        if (r.Failures.Count == 0) return null;
        var f = r.Failures[0];
        return new Detection(f.Ids, f.FoundAtExec, f.FoundAfter, $"exec {f.FoundAtExec}");
    }
}
