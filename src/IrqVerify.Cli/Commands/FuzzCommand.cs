using System.Globalization;
using System.CommandLine;
using IrqVerify.Fuzz;
using IrqVerify.Model;
using IrqVerify.Model.Verdict;
using IrqVerify.Report;
using IrqVerify.Verify;
using IrqVerify.Model.Program;

namespace IrqVerify.Cli.Commands;

/// <summary>
/// irqverify fuzz [--budget 60s] [--execs N] [--variant K..] [--corpus DIR] [--seed S] [--machine JSON]
/// [--out DIR] [--fail-on violation|misuse|known] [--junit FILE] [--db DIR]: the in-process coverage-guided fuzzer. Prints each distinct failure (invariant ids, the
/// minimized program, a one-line replay command) and writes it to --out. Also: --replay FILE runs one
/// finding (parallel groups honoured) with every check after every step; --triage DIR turns raw
/// inputs (AFL++/libFuzzer crashes) into minimized findings grouped by invariant (differential under a
/// variant, like the fuzzers' own verdict); --bench prints throughput.
/// Exit 0 when nothing failed, 1 when something did, 2 on bad input.
/// </summary>
public static class FuzzCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var budget = new Option<string?>("--budget") { Description = "Wall-time budget, e.g. 60s, 5m, 2h (default 60s unless --execs is given)" };
        var execs = new Option<long?>("--execs") { Description = "Execution budget (deterministic for a seed)" };
        var variant = new Option<string[]>("--variant") { Description = "Re-inject a known bug: K1..K15 (repeatable)", AllowMultipleArgumentsPerToken = true };
        var design = Inputs.DesignOption();
        var corpus = new Option<string?>("--corpus") { Description = "Corpus directory: read as seeds (raw inputs and *.irq programs), new inputs saved there" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (same seed and --execs: same result)", DefaultValueFactory = _ => 1 };
        var machine = new Option<string?>("--machine") { Description = "Machine configuration JSON (default: the small fuzz machine)" };
        var outDir = new Option<string>("--out") { Description = "Where findings are written", DefaultValueFactory = _ => "irqverify-out/fuzz" };
        var noGroups = new Option<bool>("--no-groups") { Description = "Sequential programs only (no interleaving decisions)" };
        var replay = new Option<string?>("--replay") { Description = "Run one finding file with every check after every step" };
        var triage = new Option<string?>("--triage") { Description = "Directory of raw inputs (e.g. AFL crashes) to minimize into findings under --out" };
        var bench = new Option<bool>("--bench") { Description = "Print reset cost, execs/s and per-invariant check costs" };
        var strict = new Option<bool>("--strict") { Description = "Caller misuse and known upstream findings fail too: --fail-on misuse,known" };
        var failOn = CiOptions.FailOn();
        var junit = CiOptions.JUnit();
        var db = CiOptions.Db();
        var cmd = new Command("fuzz", "Coverage-guided fuzzing of operation programs (in-process engine)")
            { budget, execs, variant, design, corpus, seed, machine, outDir, noGroups, replay, triage, bench, strict, failOn, junit, db };
        cmd.SetAction(p =>
        {
            try
            {
                var machinePath = p.GetValue(machine);
                var cfg = machinePath is null ? FuzzMachines.Small() : Inputs.LoadMachine(machinePath);
                var variants = Inputs.ParseVariants(p.GetValue(variant), p.GetValue(design));
                var table = new OpTable(cfg);
                if (p.GetValue(bench)) { FuzzBench.Run(stdout, cfg); return ExitCodes.Clean; }
                bool st = p.GetValue(strict);
                if (p.GetValue(replay) is { } file) return Replay(file, table, variants, st, stdout);
                string o = p.GetValue(outDir)!;
                string machineArg = machinePath ?? WriteMachine(o, cfg);
                if (p.GetValue(triage) is { } dir) return Triage(dir, o, table, variants, machineArg, !p.GetValue(noGroups), st, stdout);
                var b = ParseBudget(p.GetValue(budget), p.GetValue(execs) is null);
                var policy = FailPolicy.Parse(p.GetValue(failOn), st);
                var ci = new FuzzCi(policy, p.GetValue(junit), p.GetValue(db), machinePath);
                return Fuzz(table, variants, b, p.GetValue(execs), p.GetValue(seed), p.GetValue(corpus), o, machineArg, !p.GetValue(noGroups), ci, stdout);
            }
            catch (ModelInputException e)
            {
                stderr.WriteLine(Inputs.Format(e));
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    public static TimeSpan? ParseBudget(string? text, bool defaultIfMissing)
    {
        if (text is null) return defaultIfMissing ? TimeSpan.FromSeconds(60) : null;
        char unit = text[^1];
        string num = char.IsDigit(unit) ? text : text[..^1];
        if (!double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v <= 0)
            throw new ModelInputException("--budget", 0, 0, $"bad duration '{text}' (use e.g. 60s, 5m, 2h)");
        return unit switch
        {
            'h' => TimeSpan.FromHours(v),
            'm' => TimeSpan.FromMinutes(v),
            's' or (>= '0' and <= '9') => TimeSpan.FromSeconds(v),
            _ => throw new ModelInputException("--budget", 0, 0, $"bad duration unit in '{text}' (s, m or h)"),
        };
    }

    private static string WriteMachine(string outDir, MachineConfig cfg)
    {
        Directory.CreateDirectory(outDir);
        string path = Path.Combine(outDir, "machine.json");
        File.WriteAllText(path, cfg.ToJson());
        return path;
    }

    /// <summary>The CI side of a fuzz run: the --fail-on policy, the JUnit file, the findings database.</summary>
    private sealed record FuzzCi(FailPolicy Policy, string? JUnit, string? Db, string? MachinePath);

    private static IEnumerable<string> SeedDirs()
    {
        // The repository's example programs and regression programs, wherever the command runs from.
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
        {
            if (Directory.Exists(Path.Combine(d.FullName, "models", "examples")))
            {
                yield return Path.Combine(d.FullName, "models", "examples");
                yield return Path.Combine(d.FullName, "tests", "regressions");
                break;
            }
        }
    }

    private static int Fuzz(OpTable table, Variants variants, TimeSpan? budget, long? execs, ulong seed, string? corpusDir,
                            string outDir, string machineArg, bool groups, FuzzCi ci, TextWriter stdout)
    {
        var db = ci.Db is null ? null : FindingsDb.Open(ci.Db, DateTime.UtcNow);
        var examples = Findings.Seeds(table, SeedDirs(), stdout);
        var corpus = corpusDir is null ? null : Corpus.Open(corpusDir, table, stdout);
        var seeds = corpus is null ? examples : corpus.Seeds(examples);
        bool strict = ci.Policy.EnginesStrict;
        stdout.WriteLine($"irqverify fuzz: machine {table.Machine.Name}, variant {variants}, seed {seed}, " +
                         $"{(execs is { } n ? $"{n} execs" : "")}{(execs is not null && budget is not null ? ", " : "")}{(budget is { } bb ? $"budget {bb.TotalSeconds:F0}s" : "")}, {seeds.Count} seed input(s)");
        bool interactive = !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out);
        DateTime lastLine = DateTime.MinValue;
        var exec = new FuzzExecutor(table, variants);
        var fuzzer = new Fuzzer(exec, strict);
        var reports = new List<FailureReport>();
        var verifyOptions = new VerifyOptions { OutDir = outDir, Strict = strict, FailOn = ci.Policy, Variants = variants.Enabled().ToList() };
        var result = fuzzer.Run(new FuzzOptions
        {
            Seed = seed,
            MaxExecs = execs ?? long.MaxValue,
            Budget = budget,
            Groups = groups,
            Seeds = seeds,
            Progress = s =>
            {
                string line = Status(s);
                if (interactive) stdout.Write("\r" + line + "   ");
                else if (DateTime.UtcNow - lastLine > TimeSpan.FromSeconds(10)) { stdout.WriteLine(line); lastLine = DateTime.UtcNow; }
            },
            OnNewInput = corpus is null ? null : corpus.Add,
            OnFailure = f =>
            {
                if (interactive) stdout.WriteLine();
                corpus?.AddFinding(f.Input);
                Report(f, table, variants, outDir, machineArg, stdout);
                if (ci.JUnit is not null || db is not null || strict)
                    reports.Add(FuzzEngine.ReportOf(f, f.Ids, table, variants, Path.GetFullPath(machineArg), verifyOptions));
            },
        });
        if (interactive) stdout.WriteLine();
        stdout.WriteLine($"done: {Status(result.Stats)}" + (fuzzer.Excused > 0 ? $"; {fuzzer.Excused} candidate(s) excused as caller misuse or known upstream behaviour (--fail-on misuse/known fails them)" : ""));
        string corpusNote = "";
        if (corpus is not null)
        {
            var d = corpus.Distill(exec, groups);
            corpusNote = $"corpus {corpusDir}: read {corpus.Loaded} input(s), added {corpus.Added} input(s) and {corpus.AddedFindings} finding input(s), kept {d.Kept} coverage input(s) after distilling ({d.Removed} removed, {d.Coverage} coverage bits)";
            stdout.WriteLine(corpusNote);
        }
        var history = new List<string>();
        if (db is not null)
        {
            string? work = execs is { } count ? $"fuzz --seed {seed} --execs {count}{string.Concat(variants.Enabled().Select(v => " --variant " + v))}"
                                            + (ci.MachinePath is null ? "" : " --machine " + ci.MachinePath) + (groups ? "" : " --no-groups") + ci.Policy.Flags : null;
            history = db.Record("fuzz " + variants, work, reports);
            stdout.WriteLine($"findings database {ci.Db}: run {db.Run}");
            foreach (var f in reports) stdout.WriteLine($"  {string.Join(", ", f.Invariants)}: {f.History}");
            foreach (var line in history) stdout.WriteLine("  " + line);
        }
        // Without strict every reported failure is a violation; with it the judge's classes decide.
        int failing = strict ? reports.Count(f => ci.Policy.Fails(f.Classes)) : result.Failures.Count;
        foreach (var f in reports.Where(f => !ci.Policy.Fails(f.Classes)))
            stdout.WriteLine($"EXCUSED under --fail-on {ci.Policy}: {string.Join(", ", f.Invariants)} ({string.Join(",", f.Classes.Distinct())})");
        if (ci.JUnit is not null)
        {
            var suite = new JUnitSuite { Name = "irqverify.fuzz", Time = result.Stats.Elapsed };
            suite.Property("variant", variants.ToString());
            suite.Property("seed", seed);
            suite.Property("fail-on", ci.Policy.ToString());
            suite.Property("execs", result.Stats.Execs);
            suite.Property("corpus", result.Stats.Corpus);
            suite.Property("features", result.Stats.DomainFeatures);
            suite.Property("edges", result.Stats.Edges);
            suite.Property("excused", fuzzer.Excused);
            suite.Property("seconds", JUnitReport.Seconds(result.Stats.Elapsed));
            var tc = new JUnitCase { ClassName = suite.Name, Name = FuzzEngine.CaseName(table.Machine), Time = result.Stats.Elapsed };
            tc.Out.Add(Status(result.Stats));
            if (corpusNote.Length > 0) tc.Out.Add(corpusNote);
            foreach (var f in reports) JUnitReport.AddFinding(tc, f, ci.Policy);
            suite.Cases.Add(tc);
            suite.Out.AddRange(history);
            JUnitReport.Write(ci.JUnit, "irqverify fuzz", [suite]);
            stdout.WriteLine($"JUnit results written to {ci.JUnit}");
        }
        return failing == 0 ? ExitCodes.Clean : ExitCodes.Found;
    }

    private static string Status(FuzzStats s) =>
        $"execs {s.Execs} ({s.ExecsPerSecond:F0}/s), corpus {s.Corpus}, features {s.DomainFeatures}, edges {s.Edges}, distinct failures {s.Failures}, {s.Elapsed.TotalSeconds:F1}s";

    private static void Report(FuzzFailure f, OpTable table, Variants variants, string outDir, string machineArg, TextWriter stdout)
    {
        var (path, replay) = Findings.Write(f, outDir, table, variants, machineArg);
        stdout.WriteLine($"FAIL [{f.Signature}] after {f.FoundAtExec} execs ({f.FoundAfter.TotalSeconds:F2}s), minimized in {f.MinimizeAttempts} runs to {f.Program.Calls.Count} call(s):");
        foreach (var line in f.Text.TrimEnd('\n').Split('\n')) stdout.WriteLine("    " + line);
        if (!f.Program.HasGroups && !f.Signature.StartsWith("exception:", StringComparison.Ordinal))
        {
            var ids = Findings.ConfirmWithRunner(f.Program, table, variants);
            stdout.WriteLine($"  irqverify run reports: {(ids.Count == 0 ? "nothing (transient in fast mode only)" : string.Join(", ", ids))}");
        }
        stdout.WriteLine($"  written: {path}");
        stdout.WriteLine($"  replay: {replay}");
    }

    private static int Replay(string file, OpTable table, Variants variants, bool strict, TextWriter stdout)
    {
        var fp = FuzzProgram.From(ProgramParser.Parse(Inputs.ReadText(file), file, table.Machine), table, file);
        var exec = new FuzzExecutor(table, variants) { Thorough = true, Strict = strict };
        string sig = Fuzzer.SignatureOf(exec, fp, out var r);
        stdout.WriteLine($"irqverify fuzz --replay {file} (machine {table.Machine.Name}, variant {variants}): {fp.Calls.Count} call(s), {fp.Groups.Count} parallel group(s)");
        if (r is not null) foreach (var (v, c) in r.Excused) stdout.WriteLine($"  {c.Label} {v} — {c.Reason}");
        if (sig.Length == 0) { stdout.WriteLine("OK: no violation"); return ExitCodes.Clean; }
        stdout.WriteLine($"FAIL: {sig}");
        if (r is not null) foreach (var v in r.Violations) stdout.WriteLine($"  {v}");
        return ExitCodes.Found;
    }

    private static int Triage(string dir, string outDir, OpTable table, Variants variants, string machineArg, bool groups, bool strict, TextWriter stdout)
    {
        if (!Directory.Exists(dir)) throw new ModelInputException(dir, 0, 0, "triage directory not found");
        var judge = new DifferentialSignature(new FuzzExecutor(table, variants), strict);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int inputs = 0;
        foreach (string f in Directory.GetFiles(dir, "*", SearchOption.AllDirectories).OrderBy(s => s, StringComparer.Ordinal))
        {
            if (Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal)) continue;
            inputs++;
            var bytes = File.ReadAllBytes(f);
            var prog = ByteFormat.Decode(bytes, table, groups);
            string sig = judge.Of(prog, out var r);
            if (sig.Length == 0 || !seen.Add(sig)) continue;
            var min = new Minimizer(judge.Of, table);
            var small = min.Minimize(prog, sig, r?.FirstCall);
            Report(new FuzzFailure(sig, small, small.Print(table), bytes, 0, TimeSpan.Zero, min.Attempts), table, variants, outDir, machineArg, stdout);
        }
        stdout.WriteLine($"triage: {inputs} input(s), {seen.Count} distinct failure(s) written to {outDir}");
        return seen.Count == 0 ? ExitCodes.Clean : ExitCodes.Found;
    }
}
