using System.CommandLine;
using System.Globalization;
using IrqVerify.Explorer;
using IrqVerify.Model;
using IrqVerify.Model.Verdict;
using IrqVerify.Report;
using IrqVerify.Verify;

namespace IrqVerify.Cli.Commands;

/// <summary>
/// irqverify explore SCENARIO --strategy random|pct|delay|portfolio|dfs [--iterations N | --budget 30s]
/// [--seed S] [--variant K10] [--fail-on violation|misuse|known] [--junit FILE]: explores interleavings of a scenario; on a failure prints the violated
/// ids, the minimized decision log, its per-CPU timeline, writes the schedule file and the one-line
/// replay command (exit 1); clean runs print the totals ("exhausted: N states, M schedules" for a
/// finished dfs) and exit 0; bad input exits 2. --bench runs the measurements instead. --engine coyote
/// runs the same scenario under Coyote's TestingEngine (<see cref="CoyoteExplore"/>).
/// </summary>
public static class ExploreCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var scenario = new Argument<string?>("scenario") { Description = "Scenario file (models/scenarios/*.scn)", Arity = ArgumentArity.ZeroOrOne };
        var strategy = new Option<string>("--strategy") { Description = "native: random | pct | delay | portfolio | dfs; coyote: random | prioritization (pct) | probabilistic | delay-bounding (delay) | qlearning | portfolio", DefaultValueFactory = _ => "portfolio" };
        var iterations = new Option<long?>("--iterations") { Description = "Schedules to run (default 1000; dfs: until exhausted)" };
        var budget = new Option<string?>("--budget") { Description = "Wall-clock budget, e.g. 30s, 2m, 500ms" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the randomized strategies", DefaultValueFactory = _ => 1UL };
        var variant = new Option<string[]>("--variant") { Description = "Re-inject a known bug: K1..K15 (repeatable)", AllowMultipleArgumentsPerToken = true };
        var design = Inputs.DesignOption();
        var depth = new Option<int>("--depth") { Description = "PCT depth d", DefaultValueFactory = _ => 3 };
        var delays = new Option<int>("--delays") { Description = "Delays of delay-bounding", DefaultValueFactory = _ => 2 };
        var preemptions = new Option<int?>("--preemptions") { Description = "dfs preemption bound (default: the scenario's)" };
        var unbounded = new Option<bool>("--no-preemption-bound") { Description = "dfs without a preemption bound" };
        var noCache = new Option<bool>("--no-cache") { Description = "dfs without state caching" };
        var noSym = new Option<bool>("--no-symmetry") { Description = "dfs without symmetry reduction" };
        var noMin = new Option<bool>("--no-minimize") { Description = "Report the failing schedule as found" };
        var output = new Option<string?>("--out") { Description = "Folder for the failing schedule (and Coyote's trace) (default irqverify-out/explore)" };
        var strict = new Option<bool>("--strict") { Description = "Caller misuse and known upstream findings fail too" };
        var bench = new Option<bool>("--bench") { Description = "Measure schedules/s and time to first detection per strategy and race (median over seeds)" };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per strategy in --bench", DefaultValueFactory = _ => 10 };
        var engine = new Option<string>("--engine") { Description = "native | coyote (Coyote's TestingEngine); --bench: native,coyote for both side by side", DefaultValueFactory = _ => "native" };
        var coyoteTrace = new Option<string?>("--coyote-trace") { Description = "Replay a Coyote reproducible trace (written by --engine coyote)" };
        var failOn = CiOptions.FailOn();
        var junit = CiOptions.JUnit();
        var cmd = new Command("explore", "Explore interleavings of a concurrency scenario (controlled scheduling, replayable failures)")
        {
            scenario, strategy, iterations, budget, seed, variant, design, depth, delays, preemptions, unbounded, noCache, noSym, noMin, output, bench, seeds, engine, coyoteTrace, strict,
            failOn, junit,
        };
        cmd.SetAction(p =>
        {
            try
            {
                var engines = ParseEngines(p.GetValue(engine)!);
                if (p.GetValue(bench))
                {
                    if (engines.Contains("coyote"))
                        return IrqVerify.Coyote.EngineBench.Run(p.GetValue(scenario), engines, p.GetValue(seeds), ParseBudget(p.GetValue(budget)), stdout);
                    return IrqVerify.Explorer.Bench.Run(p.GetValue(scenario), p.GetValue(seeds), ParseBudget(p.GetValue(budget)), stdout);
                }
                string? path = p.GetValue(scenario);
                if (path is null) throw new ModelInputException("explore", 0, 0, "a scenario file is required (or --bench)");
                if (engines.Count != 1) throw new ModelInputException("--engine", 0, 0, "one engine (native or coyote) per exploration; several only with --bench");
                var policy = FailPolicy.Parse(p.GetValue(failOn), p.GetValue(strict));
                string? junitPath = p.GetValue(junit);
                string? tracePath = p.GetValue(coyoteTrace);
                if (tracePath is not null && engines[0] != "coyote") throw new ModelInputException("--coyote-trace", 0, 0, "needs --engine coyote");
                if (engines[0] == "coyote")
                {
                    if (junitPath is not null || p.GetValue(failOn) is { Length: > 0 })
                        throw new ModelInputException("--engine", 0, 0, "--junit and --fail-on are options of the native engine (--engine native)");
                    var co = new IrqVerify.Coyote.CoyoteOptions
                    {
                        Strategy = CoyoteExplore.StrategyName(p.GetValue(strategy)!),
                        Seed = p.GetValue(seed),
                        Iterations = p.GetValue(iterations),
                        Budget = ParseBudget(p.GetValue(budget)),
                        Depth = p.GetValue(depth),
                        Delays = p.GetValue(delays),
                        Minimize = !p.GetValue(noMin),
                        ReproducibleTrace = tracePath is null ? null : Inputs.ReadText(tracePath),
                        Strict = p.GetValue(strict),
                    };
                    return CoyoteExplore.Execute(path, co, p.GetValue(variant), Inputs.OutDir(p.GetValue(output), "explore"), stdout, p.GetValue(design));
                }
                var o = new ExploreOptions
                {
                    Strategy = p.GetValue(strategy)!,
                    Seed = p.GetValue(seed),
                    Iterations = p.GetValue(iterations),
                    Budget = ParseBudget(p.GetValue(budget)),
                    Depth = p.GetValue(depth),
                    Delays = p.GetValue(delays),
                    Strict = policy.EnginesStrict,
                    PreemptionBound = p.GetValue(preemptions),
                    NoPreemptionBound = p.GetValue(unbounded),
                    Cache = !p.GetValue(noCache),
                    Symmetry = !p.GetValue(noSym),
                    Minimize = !p.GetValue(noMin),
                };
                return Execute(path, o, p.GetValue(variant), p.GetValue(output), stdout, stderr, policy, junitPath, p.GetValue(design));
            }
            catch (ModelInputException e)
            {
                stderr.WriteLine(Inputs.Format(e));
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    /// <summary>"native", "coyote" or "native,coyote".</summary>
    public static IReadOnlyList<string> ParseEngines(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        foreach (var n in names)
            if (n is not ("native" or "coyote")) throw new ModelInputException("--engine", 0, 0, $"unknown engine '{n}' (native, coyote)");
        if (names.Count == 0) throw new ModelInputException("--engine", 0, 0, "expected native, coyote or native,coyote");
        return names;
    }

    public static TimeSpan? ParseBudget(string? text)
    {
        if (text is null) return null;
        string t = text.Trim();
        double scale = 1;
        string num = t;
        if (t.EndsWith("ms", StringComparison.Ordinal)) { scale = 0.001; num = t[..^2]; }
        else if (t.EndsWith('s')) num = t[..^1];
        else if (t.EndsWith('m')) { scale = 60; num = t[..^1]; }
        else if (t.EndsWith('h')) { scale = 3600; num = t[..^1]; }
        if (!double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v <= 0)
            throw new ModelInputException("--budget", 0, 0, $"expected a duration like 30s, 2m or 500ms, found '{text}'");
        return TimeSpan.FromSeconds(v * scale);
    }

    public static int Execute(string path, ExploreOptions o, string[]? variantNames, string? outPath, TextWriter stdout, TextWriter stderr,
                              FailPolicy? failOn = null, string? junitPath = null, string? design = null)
    {
        var policy = failOn ?? (o.Strict ? FailPolicy.Strict : FailPolicy.Default);
        if (!ExploreOptions.StrategyNames.Contains(o.Strategy))
            throw new ModelInputException("--strategy", 0, 0, $"unknown strategy '{o.Strategy}' (random, pct, delay, portfolio, dfs)");
        var s = ScenarioParser.Load(path);
        var v = Inputs.ParseVariants(variantNames, design);
        stdout.WriteLine($"irqverify explore {path} (strategy {o.Strategy}, seed {o.Seed}, variant {v}, {s.Threads.Count} threads, step bound {s.StepBound})");
        if (ScenarioCheck.Setup(s, v) is { } problem) throw new ModelInputException(path, 0, 0, problem);
        bool progressShown = false;
        var opts = new ExploreOptions
        {
            Strategy = o.Strategy, Seed = o.Seed, Iterations = o.Iterations, Budget = o.Budget, Depth = o.Depth, Delays = o.Delays,
            PreemptionBound = o.PreemptionBound, NoPreemptionBound = o.NoPreemptionBound, Cache = o.Cache, Symmetry = o.Symmetry,
            Minimize = o.Minimize, Strict = o.Strict,
            Progress = pr =>
            {
                if (pr.Elapsed.TotalSeconds < 1) return;
                progressShown = true;
                string states = pr.States > 0 ? $", {pr.States} states" : "";
                stderr.Write($"\r  {pr.Elapsed.TotalSeconds,6:F1}s  {pr.Schedules} schedules ({pr.Schedules / pr.Elapsed.TotalSeconds:F0}/s{states}, {pr.Pruned} pruned)   ");
            },
        };
        var r = Exploration.Run(s, v, opts);
        if (progressShown) stderr.WriteLine();
        string rate = $"{r.SchedulesPerSecond:F0} schedules/s";
        var junit = junitPath is null ? null : ExploreJUnit(s, v, r, o, policy);
        if (r.Ok)
        {
            string what = r.Exhausted
                ? $"exhausted: {r.States} states, {r.Schedules} schedules ({r.Pruned} cut at a seen state) in {r.Elapsed.TotalSeconds:F2}s ({rate}) — no violation within the bound"
                : $"OK: {r.Schedules} schedules, no violation ({r.Elapsed.TotalSeconds:F2}s, {rate}{(r.States > 0 ? $", {r.States} states" : "")}); not exhaustive";
            stdout.WriteLine(what);
            if (junit is not null) WriteJUnit(junitPath!, junit, what, stdout);
            return ExitCodes.Clean;
        }
        string dir = Inputs.OutDir(outPath, "explore");
        PrintFailure(s, v, r.Found!, r.Minimized!, $"{r.FoundAt} schedule(s)", r.TimeToFound, dir, s.Name + string.Concat(v.Enabled().Select(n => "-" + n)),
            $"{r.Strategy} seed {o.Seed}, schedule {r.FoundAt}", stdout);
        if (junit is null && !o.Strict) return ExitCodes.Found;   // every finding is a violation: no report needed
        var f = r.Minimized!;
        var report = ExploreEngine.ReportOf(s, v, f, f.Ids, $"{r.Strategy} seed {o.Seed}, schedule {r.FoundAt}",
            new VerifyOptions { OutDir = dir, Strict = o.Strict, FailOn = policy });
        bool fails = policy.Fails(report.Classes);
        if (!fails) stdout.WriteLine($"EXCUSED under --fail-on {policy}: {string.Join(", ", report.Invariants)} ({string.Join(",", report.Classes.Distinct())})");
        if (junit is not null)
        {
            JUnitReport.AddFinding(junit.Cases[0], report, policy);
            WriteJUnit(junitPath!, junit, $"{r.Schedules} schedules, {r.Elapsed.TotalSeconds:F2}s", stdout);
        }
        return fails ? ExitCodes.Found : ExitCodes.Clean;
    }

    /// <summary>One suite (the strategy) with one case (the scenario); counts and timings as properties.</summary>
    private static JUnitSuite ExploreJUnit(Scenario s, Variants v, ExploreResult r, ExploreOptions o, FailPolicy policy)
    {
        var suite = new JUnitSuite { Name = $"irqverify.explore.{o.Strategy}", Time = r.Elapsed };
        suite.Property("scenario", s.Name);
        suite.Property("strategy", r.Strategy);
        suite.Property("variant", v.ToString());
        suite.Property("seed", o.Seed);
        suite.Property("fail-on", policy.ToString());
        suite.Property("schedules", r.Schedules);
        suite.Property("states", r.States);
        suite.Property("pruned", r.Pruned);
        suite.Property("exhausted", r.Exhausted);
        suite.Property("seconds", JUnitReport.Seconds(r.Elapsed));
        suite.Cases.Add(new JUnitCase { ClassName = suite.Name, Name = s.Name, Time = r.Elapsed });
        return suite;
    }

    private static void WriteJUnit(string path, JUnitSuite suite, string summary, TextWriter stdout)
    {
        suite.Cases[0].Out.Insert(0, summary);
        JUnitReport.Write(path, "irqverify explore", [suite]);
        stdout.WriteLine($"JUnit results written to {path}");
    }

    /// <summary>What every exploration engine prints for a failure: the minimized failure, its
    /// decision log and timeline, the schedule file it wrote (DIR/STEM.schedule) and the replay line.</summary>
    public static string PrintFailure(Scenario s, Variants v, Failure found, Failure f, string after, TimeSpan time, string dir, string stem, string foundBy, TextWriter stdout)
    {
        stdout.WriteLine($"FOUND after {after} in {time.TotalSeconds:F3}s: {found.Summary}");
        stdout.WriteLine($"minimized: {found.Preemptions} -> {f.Preemptions} preemption(s), {found.RunSteps} -> {f.RunSteps} step(s)");
        foreach (var m in f.Messages.Take(6)) stdout.WriteLine("  " + m);
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, stem + ".schedule");
        ScheduleFile.From(s, v, f, foundBy).Save(file);
        var replay = Replayer.Run(s, v, f.Log);
        stdout.WriteLine();
        stdout.WriteLine("decision log:");
        stdout.Write(f.FormatLog());
        stdout.WriteLine();
        stdout.WriteLine("timeline:");
        stdout.Write(replay.Timeline.Print());
        stdout.WriteLine();
        stdout.WriteLine($"FAIL: {f.Summary} (violated: {string.Join(", ", f.Ids)})");
        stdout.WriteLine($"schedule written to {file}");
        stdout.WriteLine($"replay: irqverify replay {file}{Inputs.DesignFlag(v)}");
        return file;
    }
}
