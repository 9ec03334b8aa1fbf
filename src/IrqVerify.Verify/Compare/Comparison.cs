using System.Diagnostics;
using IrqVerify.Explorer;
using IrqVerify.Fuzz;
using IrqVerify.Model;
using IrqVerify.Model.Designs;
using IrqVerify.Report;
using IrqVerify.Testing;
using TestCase = IrqVerify.Testing.Scenario;

namespace IrqVerify.Verify.Compare;

/// <summary>
/// `irqverify compare`: the same generated programs, exploration scenarios and fuzz inputs on two
/// designs. Every run is judged by the engines' own code (ScenarioRunner, the explorer's runner and
/// replayer, DifferentialSignature); what differs is reported: invariants violated on one side only
/// (minimized), behavioural differences (the first differing operation or final state, minimized),
/// and capacity figures measured on both sides.
/// </summary>
public static class Comparison
{
    public static CompareResult Run(CompareOptions o, Action<string>? progress = null)
    {
        var sw = Stopwatch.StartNew();
        var r = new CompareResult { Left = o.Design.Name, Right = o.Against.Name, Seed = o.Seed };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        TimeSpan? slice = o.Time is { } t ? t / 3 : null;
        progress?.Invoke("programs");
        Programs(o, r, slice, seen);
        progress?.Invoke("scenarios");
        Scenarios(o, r, slice, seen);
        progress?.Invoke("fuzz");
        Fuzz(o, r, slice, seen);
        progress?.Invoke("capacity");
        r.Capacity.AddRange(CapacityProbes.Measure(o.Design, o.Against));
        r.Elapsed = sw.Elapsed;
        long programs = r.Phases[0].Runs, perScenario = o.Count ?? r.Phases[1].Runs, inputs = r.Phases[2].Runs;
        string count = programs == perScenario && perScenario == inputs ? $" --budget {programs}" : $" --budget {Math.Max(programs, Math.Max(perScenario, inputs))}";
        r.Rerun = $"irqverify compare --design {o.Design.Arg ?? "linux"} --against {o.Against.Arg ?? "linux"} --seed {o.Seed}{count}{(o.Strict ? " --strict" : "")}";
        return r;
    }

    // ------------------------------------------------------------------ generated programs

    private static void Programs(CompareOptions o, CompareResult r, TimeSpan? slice, HashSet<string> seen)
    {
        var sw = Stopwatch.StartNew();
        int before = r.OneSided.Count + r.Differences.Count;
        long n = 0;
        while (o.Count is { } c ? n < c : sw.Elapsed < slice)
        {
            var s = PropsEngine.Case(o.Seed, n, [], null, 0, o.Design);
            n++;
            JudgeProgram(o, r, s, "programs", seen, diffs: true);
        }
        r.Phases.Add(new ComparePhase("programs", n, "programs", sw.Elapsed, r.OneSided.Count + r.Differences.Count - before,
            $"{PropsEngine.Profiles.Length} generator profiles, seed {o.Seed}"));
    }

    /// <summary>Runs one program on both sides; records one-sided invariants and (when asked) the
    /// first behavioural difference, each minimized, once per kind.</summary>
    private static void JudgeProgram(CompareOptions o, CompareResult r, TestCase s, string phase, HashSet<string> seen, bool diffs)
    {
        var left = ScenarioRunner.Run(s.WithDesign(o.Design), strict: o.Strict);
        var right = ScenarioRunner.Run(s.WithDesign(o.Against), strict: o.Strict);
        var li = FailedIds(left);
        var ri = FailedIds(right);
        OneSidedOf(o, r, s, phase, seen, o.Design, o.Against, li.Except(ri).ToList());
        OneSidedOf(o, r, s, phase, seen, o.Against, o.Design, ri.Except(li).ToList());
        if (!diffs || r.Differences.Count >= o.MaxDifferences) return;
        if (ProgramDiff.First(left, right) is not { } d || !seen.Add("diff:" + d.Key)) return;
        r.Differences.Add(MinimizeDifference(o, s, d, phase));
    }

    private static void OneSidedOf(CompareOptions o, CompareResult r, TestCase s, string phase, HashSet<string> seen, Design side, Design other, IReadOnlyList<string> only)
    {
        if (only.Count == 0 || !seen.Add($"{side.Name}:{Ids.Key(only)}")) return;
        var onSide = s.WithDesign(side);
        var (small, _) = ProgramShrinker.Minimize(onSide.Program, onSide.Machine,
            p => only.All(OnlyOn(onSide.WithProgram(p), other, o.Strict).Contains), maxSteps: 300);
        var min = onSide.WithProgram(small);
        var ids = OnlyOn(min, other, o.Strict);
        if (ids.Count == 0) { min = onSide; ids = only; }
        var sorted = ids.OrderBy(x => x, StringComparer.Ordinal).ToList();
        if (!seen.Add($"{side.Name}:minimized:{Ids.Key(sorted)}")) return;
        var outcome = ScenarioRunner.Run(min, strict: o.Strict);
        var messages = sorted.Select(id => outcome.Failures.FirstOrDefault(f => f.Violation.Id == id)?.Violation.ToString() ?? id).ToList();
        string name = $"compare-{Ids.FileSafe(side.Name)}-only-{Ids.FileSafe(string.Join("+", sorted))}";
        var (programPath, machinePath) = ScenarioFiles.Write(min, Path.GetFullPath(o.OutDir), name, sorted,
            [$"irqverify compare: violated with design {side.Name}, not with {other.Name}, on the same program"]);
        r.OneSided.Add(new OneSided(phase, side.Name, other.Name, new FailureReport
        {
            Engine = phase,
            Invariants = sorted,
            Messages = messages,
            Counterexample = min.Header() + min.Program.Print(),
            Narrative = Narrative.OfProgram(min.Program, min.Machine, min.MakeVariants(), sorted, messages) +
                        $". With design {other.Name} the same program does not violate {string.Join(", ", sorted)}.",
            Replay = $"irqverify run {programPath} --machine {machinePath}{Flag(side)}{(o.Strict ? " --strict" : "")} --quiet   # {side.Name}: fails\n" +
                     $"irqverify run {programPath} --machine {machinePath}{Flag(other)}{(o.Strict ? " --strict" : "")} --quiet   # {other.Name}: does not",
            RegressionTest = $"irqverify regress add {programPath}",
            Timeline = TimelineBuilder.FromProgram(min.Machine, min.MakeVariants(), min.Program).Timeline,
        }));
    }

    private static BehaviourDifference MinimizeDifference(CompareOptions o, TestCase s, ProgramDiff d, string phase)
    {
        ProgramDiff? On(TestCase c) =>
            ProgramDiff.First(ScenarioRunner.Run(c.WithDesign(o.Design), strict: o.Strict), ScenarioRunner.Run(c.WithDesign(o.Against), strict: o.Strict));
        var (small, _) = ProgramShrinker.Minimize(s.Program, s.Machine, p => On(s.WithProgram(p)) is { } x && x.Key == d.Key, maxSteps: 200);
        var min = s.WithProgram(small);
        var md = On(min) ?? d;
        if (On(min) is null) min = s;
        string name = $"compare-diff-{Ids.FileSafe(o.Design.Name)}-{Ids.FileSafe(o.Against.Name)}-{Ids.FileSafe(md.Key)}";
        var (programPath, machinePath) = ScenarioFiles.Write(min.WithDesign(o.Design), Path.GetFullPath(o.OutDir), name, null,
            [$"irqverify compare: {md.Kind} differs between {o.Design.Name} and {o.Against.Name}"]);
        string Replay(Design side) => $"irqverify run {programPath} --machine {machinePath}{Flag(side)}";
        return new BehaviourDifference(phase, md.Kind, md.Line, md.Operation, md.Left, md.Right,
            TestCase.Describe(min.Machine) + "\n" + min.Program.Print(), Replay(o.Design), Replay(o.Against));
    }

    private static IReadOnlyList<string> FailedIds(ScenarioOutcome o) =>
        o.Crash is not null ? ["exception:" + o.Crash.GetType().Name] : o.FailedIds.ToList();

    /// <summary>The ids <paramref name="c"/> fails with on its design and not on <paramref name="other"/>.</summary>
    private static IReadOnlyList<string> OnlyOn(TestCase c, Design other, bool strict)
    {
        var mine = FailedIds(ScenarioRunner.Run(c, strict: strict));
        if (mine.Count == 0) return mine;
        var theirs = FailedIds(ScenarioRunner.Run(c.WithDesign(other), strict: strict));
        return mine.Except(theirs).ToList();
    }

    private static string Flag(Design d) => d.Arg is { } a ? " --design " + a : "";

    // ------------------------------------------------------------------ exploration scenarios

    private static void Scenarios(CompareOptions o, CompareResult r, TimeSpan? slice, HashSet<string> seen)
    {
        var sw = Stopwatch.StartNew();
        int before = r.OneSided.Count;
        var files = Repo.ScenarioFiles(o.ScenarioDir);
        var left = new Variants { Design = o.Design };
        var right = new Variants { Design = o.Against };
        long schedules = 0;
        int skipped = 0;
        foreach (var file in files)
        {
            var s = ScenarioParser.Load(file);
            if (ScenarioCheck.Setup(s, left) is not null || ScenarioCheck.Setup(s, right) is not null) { skipped++; continue; }
            var opts = new ExploreOptions
            {
                Strategy = "random", Seed = o.Seed, Iterations = o.Count ?? long.MaxValue,
                Budget = slice is { } t ? t / (2 * files.Count) : null, Strict = o.Strict,
            };
            var rl = Exploration.Run(s, left, opts);
            var rr = Exploration.Run(s, right, opts);
            schedules += rl.Schedules + rr.Schedules;
            OneSidedSchedule(o, r, s, rl, left, right, seen);
            OneSidedSchedule(o, r, s, rr, right, left, seen);
        }
        r.Phases.Add(new ComparePhase("scenarios", schedules, "schedules", sw.Elapsed, r.OneSided.Count - before,
            $"{files.Count - skipped} scenarios, random seed {o.Seed}" + (o.Count is { } c ? $", {c} schedules per scenario and side" : "") +
            (skipped > 0 ? $", {skipped} not applicable" : "")));
    }

    private static void OneSidedSchedule(CompareOptions o, CompareResult r, IrqVerify.Explorer.Scenario s, ExploreResult res, Variants side, Variants other, HashSet<string> seen)
    {
        if ((res.Minimized ?? res.Found) is not { } f) return;
        var theirs = Replayer.Run(s, other, f.Log, strict: o.Strict).Failure?.Ids ?? [];
        var only = f.Ids.Except(theirs).ToList();
        if (only.Count == 0 || !seen.Add($"{side.Design.Name}:{Ids.Key(only)}")) return;
        var vo = new VerifyOptions { OutDir = Path.Combine(o.OutDir, Ids.FileSafe(side.Design.Name)), Strict = o.Strict, ScenarioDir = o.ScenarioDir };
        var rep = ExploreEngine.ReportOf(s, side, f, only, $"random seed {o.Seed}, schedule {res.FoundAt}", vo);
        r.OneSided.Add(new OneSided("scenarios", side.Design.Name, other.Design.Name, new FailureReport
        {
            Engine = "scenarios",
            Invariants = rep.Invariants,
            Messages = rep.Messages,
            Counterexample = rep.Counterexample,
            Narrative = rep.Narrative.TrimEnd('.') + $". Replayed with design {other.Design.Name}, the same schedule does not violate {string.Join(", ", rep.Invariants)}.",
            Replay = $"{rep.Replay}{Flag(side.Design)}   # {side.Design.Name}: fails\n{rep.Replay}{Flag(other.Design)}   # {other.Design.Name}: does not",
            RegressionTest = rep.RegressionTest,
            Timeline = rep.Timeline,
        }));
    }

    // ------------------------------------------------------------------ fuzz inputs

    private static void Fuzz(CompareOptions o, CompareResult r, TimeSpan? slice, HashSet<string> seen)
    {
        var sw = Stopwatch.StartNew();
        int before = r.OneSided.Count;
        var table = new OpTable(FuzzMachines.Small());
        var seeds = Findings.Seeds(table, Repo.SeedDirs());
        var left = new DifferentialSignature(new FuzzExecutor(table, new Variants { Design = o.Design }), o.Strict);
        var right = new DifferentialSignature(new FuzzExecutor(table, new Variants { Design = o.Against }), o.Strict);
        var rng = new Rng(Ids.Mix(o.Seed, 0xF022));
        long n = 0;
        while (o.Count is { } c ? n < c : sw.Elapsed < slice)
        {
            byte[] input = n < seeds.Count ? seeds[(int)n] : RandomInput(rng);
            n++;
            var p = ByteFormat.Decode(input, table, groups: false);
            var ls = Split(left.Of(p, out _));
            var rs = Split(right.Of(p, out _));
            if (ls.SequenceEqual(rs)) continue;
            var s = new TestCase(table.Machine, p.ToIrqProgram(table), [], 0, $"fuzz input {n}") { Design = o.Design };
            JudgeProgram(o, r, s, "fuzz", seen, diffs: false);
        }
        r.Phases.Add(new ComparePhase("fuzz", n, "inputs", sw.Elapsed, r.OneSided.Count - before,
            $"machine {table.Machine.Name}, {Math.Min(n, seeds.Count)} seed inputs then random ones, seed {o.Seed}"));
    }

    private static byte[] RandomInput(Rng rng)
    {
        var b = new byte[rng.Range(8, 160)];
        for (int i = 0; i < b.Length; i++) b[i] = (byte)rng.Next(256);
        return b;
    }

    private static List<string> Split(string sig) =>
        sig.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToList();
}
