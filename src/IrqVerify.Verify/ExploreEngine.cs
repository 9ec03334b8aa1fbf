using System.Diagnostics;
using IrqVerify.Explorer;
using IrqVerify.Model;
using IrqVerify.Report;

namespace IrqVerify.Verify;

/// <summary>
/// Every exploration scenario within an equal slice of the budget: dfs first (a bounded proof when it
/// exhausts), then the strategy portfolio for what is left of the slice. On a variant a failure counts
/// only for the ids the reference model does not also report when the same decision log is forced.
/// </summary>
public static class ExploreEngine
{
    public const string Name = "explore";

    /// <summary>The ids of <paramref name="f"/> the reference model does not report on the same schedule.</summary>
    public static IReadOnlyList<string> Differential(Explorer.Scenario s, Failure f, Variants v)
    {
        if (!v.Enabled().Any()) return f.Ids;
        var reference = Replayer.Run(s, new Variants { Design = v.Design }, f.Log);
        var refIds = reference.Failure?.Ids ?? [];
        return f.Ids.Where(id => !refIds.Contains(id)).ToList();
    }

    public static EngineRun Run(VerifyOptions o, TimeSpan budget, Action<EngineProgress>? progress)
    {
        var sw = Stopwatch.StartNew();
        var v = o.MakeVariants();
        var files = Repo.ScenarioFiles(o.ScenarioDir);
        var failures = new List<FailureReport>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long schedules = 0;
        int exhausted = 0;
        var notes = new List<string>();
        var perScenario = new long[files.Count];
        var cases = new List<CaseSummary>();
        if (o.Schedules is { Count: > 1 } given && given.Count != files.Count)
            throw new ModelInputException("--schedules", 0, 0, $"{given.Count} counts for {files.Count} scenarios (give one total or one count per scenario)");
        for (int i = 0; i < files.Count; i++)
        {
            // Each scenario gets an equal share of what is left (time, or a total count), so early
            // finishers pass their share on; a per-scenario count list fixes each share.
            var slice = (budget - sw.Elapsed) / (files.Count - i);
            if (slice <= TimeSpan.Zero) slice = TimeSpan.FromMilliseconds(1);
            long? count = o.Schedules switch
            {
                null => null,
                { Count: 1 } total => (total[0] - schedules) / (files.Count - i),
                var each => each[i],
            };
            var s = ScenarioParser.Load(files[i]);
            if (ScenarioCheck.Setup(s, v) is { } problem)
            {
                notes.Add($"{s.Name}: {problem}");
                cases.Add(new CaseSummary(Name, s.Name, 0, "schedules", TimeSpan.Zero, "not run: " + problem));
                continue;
            }
            long before = schedules;
            void Report(ExploreProgress p) => progress?.Invoke(new EngineProgress(Name, before + p.Schedules, "schedules",
                Math.Min(1, (sw.Elapsed) / budget), failures.Count, $"{s.Name} ({i + 1}/{files.Count})", false));
            var start = sw.Elapsed;
            var r = Exploration.Run(s, v, new ExploreOptions
            {
                Strategy = "dfs", Seed = o.Seed, Budget = count is null ? slice : null, Iterations = count ?? long.MaxValue, Progress = Report, Strict = o.Strict,
            });
            long ran = r.Schedules;
            bool proof = r.Ok && r.Exhausted;
            if (r.Ok && r.Exhausted)
            {
                exhausted++;
                var rest = slice - (sw.Elapsed - start);
                long left = count is { } c ? c - ran : long.MaxValue;
                if (count is null ? rest > TimeSpan.FromMilliseconds(20) : left > 0)
                {
                    r = Exploration.Run(s, v, new ExploreOptions
                    {
                        Strategy = "portfolio", Seed = o.Seed, Budget = count is null ? rest : null, Iterations = left, Progress = Report, Strict = o.Strict,
                    });
                    ran += r.Schedules;
                }
            }
            schedules += ran;
            perScenario[i] = ran;
            progress?.Invoke(new EngineProgress(Name, schedules, "schedules", Math.Min(1, sw.Elapsed / budget), failures.Count, $"{s.Name} ({i + 1}/{files.Count})", false));
            string caseNote = proof ? "exhausted by dfs within the preemption bound" : r.Ok ? "not exhaustive" : "";
            if (!r.Ok)
            {
                var f = r.Minimized!;
                var ids = Differential(s, f, v);
                if (ids.Count == 0) { notes.Add($"{s.Name}: {f.Summary} also on the reference model"); caseNote = $"{f.Summary} also on the reference model"; }
                else if (!seen.Add(Ids.Key(ids))) caseNote = $"{f.Summary}, reported under another scenario";
                else failures.Add(ReportOf(s, v, f, ids, $"{r.Strategy} seed {o.Seed}, schedule {r.FoundAt}", o));
            }
            cases.Add(new CaseSummary(Name, s.Name, ran, "schedules", sw.Elapsed - start, caseNote));
        }
        string note = $"{files.Count} scenarios, {exhausted} exhausted by dfs" + (notes.Count > 0 ? "; " + string.Join("; ", notes) : "");
        progress?.Invoke(new EngineProgress(Name, schedules, "schedules", 1, failures.Count, note, true));
        var run = new EngineRun
        {
            Summary = new EngineSummary(Name, schedules, "schedules", sw.Elapsed, failures.Count, note),
            Rerun = "--schedules " + string.Join(",", perScenario),
        };
        run.Failures.AddRange(failures);
        run.Cases.AddRange(cases);
        return run;
    }

    /// <summary>The judge's label per id on the minimized schedule, replayed without strict so the
    /// run's Judge classes each finding (under strict every finding fails, whatever its class).</summary>
    public static IReadOnlyList<string> Classes(Explorer.Scenario s, Variants v, Failure f, IReadOnlyList<string> ids)
    {
        var runner = new ScheduleRunner(s, v) { Strict = false };
        var rs = new IrqVerify.Explorer.Strategies.ReplayStrategy(f.Log, s);
        rs.NextIteration();
        runner.Run(rs);
        var excused = runner.Excused;
        return ids.Select(id => runner.LastFailure?.Ids.Contains(id) != true && excused.Any(x => x.Violation.Id == id)
            ? excused.First(x => x.Violation.Id == id).Class.Label : "VIOLATION").ToList();
    }

    /// <summary>Writes the schedule file and builds the report (decision log + timeline, narrative, replay, test).</summary>
    public static FailureReport ReportOf(Explorer.Scenario s, Variants v, Failure f, IReadOnlyList<string> ids, string foundBy, VerifyOptions o)
    {
        string dir = Path.GetFullPath(o.OutDir);
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, $"{s.Name}{string.Concat(v.Enabled().Select(n => "-" + n))}.schedule");
        var sf = ScheduleFile.From(s, v, f, foundBy);
        sf.Save(file);
        var (replay, timeline) = TimelineBuilder.ReplayExplorer(s, v, f.Log);
        string root = Repo.Root() ?? "";
        string rel = root.Length > 0 ? Path.GetRelativePath(root, Path.GetFullPath(s.File)) : s.File;
        var sortedIds = ids.OrderBy(x => x, StringComparer.Ordinal).ToList();
        var messages = f.Messages.Where(m => sortedIds.Any(id => m.StartsWith(id, StringComparison.Ordinal))).DefaultIfEmpty(f.Messages.FirstOrDefault() ?? "").ToList();
        return new FailureReport
        {
            Engine = Name,
            Invariants = sortedIds,
            Messages = messages,
            Counterexample = $"# scenario {s.Name}: {s.Description}\n# variants: {v}\n# {f.Summary}, {f.Preemptions} preemption(s)\ndecisions:\n{f.FormatLog()}\ntimeline:\n{replay.Timeline.Print()}",
            Narrative = Narrative.OfSchedule(s, f),
            Replay = $"irqverify replay {file}",
            RegressionTest = RegressionTest.ForSchedule(s, v.Enabled().ToList(), f, rel),
            Timeline = timeline,
            Case = s.Name,
            Classes = o.Strict ? Classes(s, v, f, sortedIds) : [],
        };
    }

    /// <summary>Hunts a variant on the scenarios whose `bugs:` line names it, with dfs (zoo). Null when
    /// no scenario exposes it (not applicable) is signalled by <paramref name="applicable"/>.</summary>
    public static Detection? Hunt(string variant, TimeSpan budget, string? scenarioDir, out bool applicable)
    {
        var v = new Variants();
        v.TryEnable(variant);
        var sw = Stopwatch.StartNew();
        long schedules = 0;
        applicable = false;
        foreach (var file in Repo.ScenarioFiles(scenarioDir))
        {
            var s = ScenarioParser.Load(file);
            if (!s.Bugs.Contains(variant)) continue;
            applicable = true;
            var left = budget - sw.Elapsed;
            if (left <= TimeSpan.Zero) break;
            var r = Exploration.Run(s, v, new ExploreOptions { Strategy = "dfs", Budget = left, Minimize = false });
            if (r.Ok) { schedules += r.Schedules; continue; }
            var ids = Differential(s, r.Found!, v);
            if (ids.Count > 0) return new Detection(ids, schedules + r.FoundAt, sw.Elapsed, s.Name);
            schedules += r.Schedules;
        }
        return null;
    }
}
