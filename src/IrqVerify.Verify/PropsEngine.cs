using System.Diagnostics;
using IrqVerify.Model;
using IrqVerify.Model.Designs;
using IrqVerify.Model.Program;
using IrqVerify.Report;
using IrqVerify.Testing;
using TestCase = IrqVerify.Testing.Scenario;

namespace IrqVerify.Verify;

/// <summary>
/// Property-style random programs: well-typed generated programs (src/IrqVerify.Testing) on generated
/// machines, each run with every check (ScenarioRunner: caller misuse and the pinned known findings
/// F1/F2 excused); on a variant only the ids the reference model does not also report on the same
/// program count (differential). A failure is shrunk with the program shrinker.
/// </summary>
public static class PropsEngine
{
    public const string Name = "props";

    /// <summary>The profiles cases rotate through (seed scenarios, PCI, Xen, the seed-001 hunts).</summary>
    public static readonly (string Name, ProgramProfile Program, MachineProfile Machines)[] Profiles =
    [
        ("default", ProgramProfile.Default, MachineProfile.Default),
        ("well-behaved", ProgramProfile.WellBehaved, MachineProfile.Default),
        ("pci", ProgramProfile.Pci, MachineProfile.Default with { XenPercent = 0, NoXen = true }),
        ("xen", ProgramProfile.Xen, MachineProfile.Default with { XenPercent = 100 }),
        ("seed001", ProgramProfile.Seed001, MachineProfile.Seed001),
        ("seed001-unplug", ProgramProfile.Seed001Unplug, MachineProfile.Seed001),
    ];

    /// <summary>Case <paramref name="i"/> of a run with <paramref name="seed"/>: same case in every process.</summary>
    public static TestCase Case(ulong seed, long i, IReadOnlyList<string> variants, MachineConfig? machine, int firstProfile = 0, Design? design = null)
    {
        var (_, program, machines) = Profiles[(int)((i + firstProfile) % Profiles.Length)];
        int size = 5 + (int)(i % 36);
        return ScenarioGenerator.Generate(Ids.Mix(seed, i), size, program, machines, variants, machine, design);
    }

    /// <summary>The ids that count: every failure on the reference model; on a variant, those the
    /// reference does not also report for the same machine and program.</summary>
    public static (IReadOnlyList<string> Ids, ScenarioOutcome Outcome) FailIds(TestCase s, bool strict = false)
    {
        var o = ScenarioRunner.Run(s, strict: strict);
        var ids = o.Crash is not null ? ["exception:" + o.Crash.GetType().Name] : o.FailedIds.ToList();
        if (ids.Count == 0 || (s.Variants.Count == 0 && s.Design.IsLinux)) return (ids, o);
        var reference = ScenarioRunner.Run(new TestCase(s.Machine, s.Program, [], s.Seed, s.Origin));
        var refIds = reference.Crash is not null ? ["exception:" + reference.Crash.GetType().Name] : reference.FailedIds.ToList();
        return (ids.Where(id => !refIds.Contains(id)).ToList(), o);
    }

    public static EngineRun Run(VerifyOptions o, TimeSpan budget, Action<EngineProgress>? progress)
    {
        var sw = Stopwatch.StartNew();
        var run = new List<FailureReport>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long cases = 0, lastReport = 0;
        int firstProfile = o.Design.MultiMsi.ContiguousVectors ? 4 : 0;
        // Per generator profile: cases run, time, and what the judge excused (JUnit test cases).
        var perProfile = new long[Profiles.Length];
        var timeProfile = new TimeSpan[Profiles.Length];
        var excused = Profiles.Select(_ => new SortedDictionary<string, int>(StringComparer.Ordinal)).ToArray();
        while (o.Programs is { } n ? cases < n : sw.Elapsed < budget)
        {
            int profile = (int)((cases + firstProfile) % Profiles.Length);
            var started = sw.Elapsed;
            var s = Case(o.Seed, cases, o.Variants, o.Machine, firstProfile, o.Design);
            cases++;
            var (ids, outcome) = FailIds(s, o.Strict);
            foreach (var x in outcome.Excused.Concat(outcome.Known))
            {
                string key = $"{x.Class.Label} {x.Violation.Id}";
                excused[profile][key] = excused[profile].GetValueOrDefault(key) + 1;
            }
            if (ids.Count > 0 && seen.Add(Ids.Key(ids)))
            {
                var f = Report(s, ids, o, Profiles[profile].Name);
                seen.Add(Ids.Key(f.Invariants));
                run.Add(f);
            }
            perProfile[profile]++;
            timeProfile[profile] += sw.Elapsed - started;
            if (sw.ElapsedMilliseconds - lastReport >= 100)
            {
                lastReport = sw.ElapsedMilliseconds;
                progress?.Invoke(new EngineProgress(Name, cases, "programs", Math.Min(1, sw.Elapsed / budget), run.Count, $"{cases} programs", false));
            }
        }
        var summary = new EngineSummary(Name, cases, "programs", sw.Elapsed, run.Count, $"{Profiles.Length} generator profiles, seed {o.Seed}");
        progress?.Invoke(new EngineProgress(Name, cases, "programs", 1, run.Count, $"{cases} programs", true));
        var result = new EngineRun { Summary = summary, Rerun = $"--programs {cases}" };
        for (int i = 0; i < Profiles.Length; i++)
            result.Cases.Add(new CaseSummary(Name, Profiles[i].Name, perProfile[i], "programs", timeProfile[i],
                excused[i].Count == 0 ? "" : "excused by the judge (fail under --fail-on misuse/known): " + string.Join(", ", excused[i].Select(kv => $"{kv.Key} ×{kv.Value}"))));
        result.Failures.AddRange(run);
        return result;
    }

    /// <summary>Hunts a variant until the first differential failure or the budget (zoo).</summary>
    public static Detection? Hunt(IReadOnlyList<string> variants, ulong seed, TimeSpan budget)
    {
        var sw = Stopwatch.StartNew();
        for (long i = 0; sw.Elapsed < budget; i++)
        {
            var s = Case(seed, i, variants, null);
            var (ids, _) = FailIds(s);
            if (ids.Count > 0) return new Detection(ids, i + 1, sw.Elapsed, $"case {i + 1}");
        }
        return null;
    }

    /// <summary>Shrinks the case, writes it (program + machine) and builds the report.</summary>
    public static FailureReport Report(TestCase s, IReadOnlyList<string> ids, VerifyOptions o, string profile = "")
    {
        var (small, _) = ProgramShrinker.Minimize(s.Program, s.Machine,
            p => FailIds(s.WithProgram(p), o.Strict).Ids.Any(ids.Contains), maxSteps: 300);
        var min = s.WithProgram(small);
        var (finalIds, outcome) = FailIds(min, o.Strict);
        if (finalIds.Count == 0) { min = s; (finalIds, outcome) = FailIds(s, o.Strict); }
        var sorted = finalIds.OrderBy(x => x, StringComparer.Ordinal).ToList();
        var messages = sorted.Select(id => outcome.Failures.FirstOrDefault(f => f.Violation.Id == id)?.Violation.ToString() ?? id).ToList();
        string name = $"props-{Ids.FileSafe(o.VariantLabel)}-{Ids.FileSafe(string.Join("+", sorted))}";
        var (programPath, machinePath) = ScenarioFiles.Write(min, Path.GetFullPath(o.OutDir), name, sorted,
            [$"irqverify verify: property case seed {s.Seed}, violates {string.Join(", ", sorted)}"]);
        return new FailureReport
        {
            Engine = Name,
            Invariants = sorted,
            Messages = messages,
            Counterexample = min.Header() + min.Program.Print(),
            Narrative = Narrative.OfProgram(min.Program, min.Machine, min.MakeVariants(), sorted, messages),
            Replay = $"irqverify run {programPath} --machine {machinePath}{Ids.VariantFlags(min.Variants)}{Ids.DesignFlag(o.DesignArg)}{(o.Strict ? " --strict" : "")} --quiet",
            RegressionTest = RegressionTest.ForProgram(Name, min.Program, min.Machine, min.Variants, sorted),
            Timeline = TimelineBuilder.FromProgram(min.Machine, min.MakeVariants(), min.Program).Timeline,
            Case = profile,
            Classes = sorted.Select(id => outcome.Failures.FirstOrDefault(f => f.Violation.Id == id)?.Class.Label ?? "VIOLATION").ToList(),
        };
    }
}
