using IrqVerify.Testing.Designs;
using System.CommandLine;
using IrqVerify.Model;
using IrqVerify.Model.Verdict;
using IrqVerify.Report;
using IrqVerify.Verify;
using Spectre.Console;

namespace IrqVerify.Cli.Commands;

/// <summary>
/// irqverify verify [--budget 60s] [--seed S] [--variant NAME]... [--machine json] [--report dir] [--out dir]
/// [--fail-on violation|misuse|known] [--junit FILE] [--corpus DIR] [--db DIR]:
/// the property programs, every exploration scenario and a fuzz burst sharing one budget (30/40/30 %),
/// with a live progress display per engine (plain lines when the output is redirected or CI is set),
/// a summary table and, per distinct failure, the invariants, the minimized counterexample, a
/// narrative, the replay command and a ready-to-paste xunit test. Exit 0 clean, 1 found, 2 bad input.
/// </summary>
public static class VerifyCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var budget = new Option<string>("--budget") { Description = "Total wall-clock budget, e.g. 60s, 5m (default 60s)", DefaultValueFactory = _ => "60s" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every engine (same seed, same cases)", DefaultValueFactory = _ => 1UL };
        var variant = new Option<string[]>("--variant") { Description = "Verify a re-injected known bug: K1..K15 (repeatable)", AllowMultipleArgumentsPerToken = true };
        var machine = new Option<string?>("--machine") { Description = "Machine JSON for property programs and fuzzing (default: generated machines / the small fuzz machine)" };
        var report = new Option<string?>("--report") { Description = "Directory for the report (report.json, index.html)" };
        var outDir = new Option<string?>("--out") { Description = "Directory for counterexample files (default: irqverify-out/verify, or REPORT/findings)" };
        var programs = new Option<long?>("--programs") { Description = "Property programs to run (a count budget: deterministic in any process)" };
        var schedules = new Option<string?>("--schedules") { Description = "Exploration schedules: one total, or one count per scenario (a,b,c...)" };
        var execs = new Option<long?>("--execs") { Description = "Fuzz executions to run (a count budget)" };
        var strict = new Option<bool>("--strict") { Description = "Caller misuse and known upstream findings fail too (exit 1): --fail-on misuse,known" };
        var failOn = CiOptions.FailOn();
        var junit = CiOptions.JUnit();
        var corpus = new Option<string?>("--corpus") { Description = "Fuzz corpus directory carried between runs: read at the start, extended with inputs that add coverage and with finding inputs, distilled at the end" };
        var db = CiOptions.Db();
        var design = Inputs.DesignOption();
        var cmd = new Command("verify", "Verify the model (or a design, or a variant) with every engine within a budget") { budget, seed, variant, design, machine, report, outDir, programs, schedules, execs, strict, failOn, junit, corpus, db };
        cmd.SetAction(p =>
        {
            try
            {
                var b = ExploreCommand.ParseBudget(p.GetValue(budget)) ?? TimeSpan.FromSeconds(60);
                string? machinePath = p.GetValue(machine);
                MachineConfig? cfg = machinePath is null ? null : Inputs.LoadMachine(machinePath);
                var parsed = Inputs.ParseVariants(p.GetValue(variant), p.GetValue(design));
                var variants = parsed.Enabled().ToList();
                string? reportDir = p.GetValue(report);
                string o = reportDir is not null && p.GetValue(outDir) is null ? Path.Combine(reportDir, "findings") : Inputs.OutDir(p.GetValue(outDir), "verify");
                var policy = FailPolicy.Parse(p.GetValue(failOn), p.GetValue(strict));
                return Execute(new VerifyOptions
                {
                    Budget = b, Seed = p.GetValue(seed), Variants = variants, Design = parsed.Design, DesignArg = DesignCatalog.ArgFor(parsed.Design), Machine = cfg, MachinePath = machinePath, OutDir = o,
                    Programs = Positive(p.GetValue(programs), "--programs"), Schedules = Counts(p.GetValue(schedules)),
                    Execs = Positive(p.GetValue(execs), "--execs"), Strict = policy.EnginesStrict, FailOn = policy,
                    Corpus = p.GetValue(corpus),
                }, reportDir, stdout, p.GetValue(junit), p.GetValue(db));
            }
            catch (ModelInputException e)
            {
                stderr.WriteLine(Inputs.Format(e));
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    private static long? Positive(long? n, string option) =>
        n is <= 0 ? throw new ModelInputException(option, 0, 0, $"{option} must be a positive count, not {n}") : n;

    /// <summary>"--schedules 5000" or "--schedules 10,20,30" (one per scenario, in file order).</summary>
    private static IReadOnlyList<long>? Counts(string? text)
    {
        if (text is null) return null;
        var list = new List<long>();
        foreach (var part in text.Split(','))
            list.Add(long.TryParse(part.Trim(), out long n) && n >= 0 ? n
                : throw new ModelInputException("--schedules", 0, 0, $"bad count '{part}' in '{text}' (a number, or numbers separated by commas)"));
        return list;
    }

    /// <summary>A live display only on a real terminal: not when redirected, not under CI, not in tests.</summary>
    public static bool Interactive(TextWriter stdout) =>
        ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static int Execute(VerifyOptions o, string? reportDir, TextWriter stdout, string? junitPath = null, string? dbDir = null)
    {
        bool counted = o.Programs is not null && o.Schedules is not null && o.Execs is not null;
        string budgetText = counted ? "count budgets"
            : $"budget {o.Budget.TotalSeconds:F0}s (props {o.Split.Props}% / explore {o.Split.Explore}% / fuzz {o.Split.Fuzz}%)";
        // Opened first: a damaged database is bad input before any work is done.
        var db = dbDir is null ? null : FindingsDb.Open(dbDir, DateTime.UtcNow);
        stdout.WriteLine($"irqverify verify: {o.VariantLabel}, {budgetText}, seed {o.Seed}, fails on {o.FailOn}");
        VerifyReport r;
        if (Interactive(stdout))
        {
            r = null!;
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var tasks = new Dictionary<string, ProgressTask>
                    {
                        [PropsEngine.Name] = ctx.AddTask("props: waiting", maxValue: 100),
                        [ExploreEngine.Name] = ctx.AddTask("explore: waiting", maxValue: 100),
                        [FuzzEngine.Name] = ctx.AddTask("fuzz: waiting", maxValue: 100),
                    };
                    r = Verifier.Run(With(o, e =>
                    {
                        var t = tasks[e.Engine];
                        t.Value = e.Done ? 100 : e.Fraction * 100;
                        t.Description = Markup.Escape($"{e.Engine}: {e.Runs:N0} {e.Unit}, {e.Failures} failure(s) — {e.Status}");
                    }));
                });
        }
        else
        {
            var last = new Dictionary<string, DateTime>();
            r = Verifier.Run(With(o, e =>
            {
                bool first = !last.ContainsKey(e.Engine);
                if (!e.Done && !first && DateTime.UtcNow - last[e.Engine] < TimeSpan.FromSeconds(5)) return;
                last[e.Engine] = DateTime.UtcNow;
                stdout.WriteLine($"  [{e.Engine}] {(e.Done ? "done" : $"{e.Fraction * 100,3:F0}%")}: {e.Runs:N0} {e.Unit}, {e.Failures} failure(s) — {e.Status}");
            }));
        }
        if (db is not null)
        {
            // The work, for "fixed": seed, variants, machine, policy and the count budgets as given.
            string? work = counted ? $"verify --seed {o.Seed} --programs {o.Programs} --schedules {string.Join(",", o.Schedules!)} --execs {o.Execs}"
                                     + string.Concat(o.Variants.Select(v => " --variant " + v)) + (o.MachinePath is null ? "" : " --machine " + o.MachinePath) + o.FailOn.Flags : null;
            r.History.AddRange(db.Record("verify " + o.VariantLabel, work, r.Failures));
        }
        var failing = r.Failures.Where(f => o.FailOn.Fails(f.Classes)).ToList();
        var excused = r.Failures.Where(f => !o.FailOn.Fails(f.Classes)).ToList();
        stdout.WriteLine();
        stdout.Write(ReportText.Summary(r));
        stdout.WriteLine();
        for (int i = 0; i < failing.Count; i++)
        {
            stdout.Write(ReportText.Failure(failing[i], i + 1));
            stdout.WriteLine();
        }
        foreach (var f in excused)
            stdout.WriteLine($"EXCUSED under --fail-on {o.FailOn}: {string.Join(", ", f.Invariants)} ({string.Join(",", f.Classes.Distinct())}, found by {f.Engine}){(f.History is null ? "" : " — " + f.History)}; replay: {f.Replay}");
        if (db is not null)
        {
            stdout.WriteLine($"findings database {dbDir}: run {db.Run}");
            foreach (var line in r.History) stdout.WriteLine("  " + line);
        }
        if (reportDir is not null)
        {
            WriteReport(reportDir, r);
            stdout.WriteLine($"report written to {reportDir}");
        }
        if (junitPath is not null)
        {
            JUnitReport.Write(junitPath, r.Title, JUnitReport.FromVerify(r, o.FailOn));
            stdout.WriteLine($"JUnit results written to {junitPath}");
        }
        stdout.WriteLine($"ran: {string.Join(", ", r.Engines.Select(e => $"{e.Engine} {e.Runs} {e.RunUnit}"))}");
        stdout.WriteLine($"re-run exactly this work: {r.Rerun}" + (o.Corpus is null ? "" : $" (plus --corpus {o.Corpus}, whose content this run extended)"));
        stdout.WriteLine($"peak RSS: {PeakRss.Format(PeakRss.Bytes())}");
        stdout.WriteLine(failing.Count == 0
            ? $"CLEAN: no invariant violated{(excused.Count > 0 ? $" (fails on {o.FailOn}; {excused.Count} excused finding(s))" : "")} ({r.Elapsed.TotalSeconds:F1}s)"
            : $"FOUND: {failing.Count} distinct failure(s): {string.Join("; ", failing.Select(f => string.Join(", ", f.Invariants) + (f.History is null ? "" : $" ({f.History})")))}");
        return failing.Count == 0 ? ExitCodes.Clean : ExitCodes.Found;
    }

    private static VerifyOptions With(VerifyOptions o, Action<EngineProgress> progress) => new()
    {
        Budget = o.Budget, Seed = o.Seed, Variants = o.Variants, Design = o.Design, DesignArg = o.DesignArg, Machine = o.Machine, MachinePath = o.MachinePath,
        OutDir = o.OutDir, ScenarioDir = o.ScenarioDir, Split = o.Split, Progress = progress,
        Programs = o.Programs, Schedules = o.Schedules, Execs = o.Execs, Strict = o.Strict, FailOn = o.FailOn, Corpus = o.Corpus,
    };

    /// <summary>THE call site of the report writers: report.json and the self-contained index.html.</summary>
    public static void WriteReport(string dir, VerifyReport report)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "report.json"), ReportText.ToJson(report));
        HtmlReport.Write(dir, report);
    }
}
