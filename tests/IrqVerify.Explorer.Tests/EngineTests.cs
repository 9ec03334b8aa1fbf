using IrqVerify.Explorer.Strategies;
using IrqVerify.Model;
using static IrqVerify.Explorer.Tests.ExplorerHarness;

namespace IrqVerify.Explorer.Tests;

/// <summary>The engine's parts: scenario format, scheduler rules, strategies, logs, minimization, CLI.</summary>
public class EngineTests
{
    private const string Machine = "machine: x86-2cpu.json\n";

    private static Scenario Parse(string text) =>
        ScenarioParser.Parse(text, Path.Combine(AppContext.BaseDirectory, "scenarios", "inline.scn"));

    /// <summary>Two threads of three steps each (vector_alloc: start + 1 point; an op boundary; apic_raise: 1 point).</summary>
    private static Scenario TwoThreads(string extra = "") => Parse(Machine + extra + """
        setup:
          a = vector_alloc({0}, none)
          b = vector_alloc({1}, none)
        threads:
          cpu0: vector_activate(a)
          cpu1: vector_activate(b)
        """);

    [Theory]
    [InlineData("machine: x86-2cpu.json\nthreads:\n  cpu0: request_irq(irqx)\n", 3, 21, "undefined variable 'irqx'")]
    [InlineData("machine: x86-2cpu.json\nthreads:\n  cpu7: interrupt(0)\n", 3, 3, "has 2 CPU(s)")]
    [InlineData("machine: x86-2cpu.json\nbound: many\nthreads:\n  cpu0: interrupt(0)\n", 2, 8, "expected an integer")]
    [InlineData("machine: x86-2cpu.json\nthreads:\n  cpu0: interupt(0)\n", 3, 9, "unknown operation 'interupt'")]
    [InlineData("machine: x86-2cpu.json\nsetup:\n  x = vector_alloc({0}, none)\n", 3, 1, "no threads")]
    [InlineData("colour: blue\nthreads:\n  cpu0: interrupt(0)\n", 1, 1, "unknown key 'colour'")]
    public void Parse_errors_name_file_line_and_column(string text, int line, int col, string problem)
    {
        var e = Assert.Throws<ModelInputException>(() => Parse(text));
        Assert.EndsWith("inline.scn", e.File);
        Assert.Equal((line, col), (e.Line, e.Column));
        Assert.Contains(problem, e.Problem);
    }

    [Fact]
    public void Threads_get_names_cpus_columns_and_symmetry_classes()
    {
        var s = Parse(Machine + """
            symmetric: 0 1
            setup:
              x = vector_alloc({0}, none)
            threads:
              cpu0: apic_raise(x)
              cpu1: apic_raise(x)
              dev@env: apic_raise(x); apic_raise(x)
              env: apic_raise(x)
              env: apic_raise(x)
            """);
        Assert.Equal(new[] { "cpu0", "cpu1", "dev", "env", "env#2" }, s.Threads.Select(t => t.Name));
        Assert.Equal(new[] { 0, 1, -1, -1, -1 }, s.Threads.Select(t => t.Cpu));
        Assert.Equal("dev", s.Threads[2].Column);
        Assert.Equal(s.Threads[0].SymmetryClass, s.Threads[1].SymmetryClass);   // symmetric CPUs, same ops
        Assert.Equal(s.Threads[3].SymmetryClass, s.Threads[4].SymmetryClass);   // identical env actors
        Assert.NotEqual(s.Threads[2].SymmetryClass, s.Threads[3].SymmetryClass);
        Assert.Equal(2, s.Threads[2].Ops.Length);
    }

    [Fact]
    public void Dfs_enumerates_every_interleaving_of_two_independent_threads()
    {
        // each thread: "start" step (to irq_domain_activate_irq) + the activation step = 2 steps;
        // the interleavings of 2+2 steps: C(4,2) = 6 schedules without caching or bounds.
        var s = TwoThreads();
        var r = Exploration.Run(s, new Variants(), new ExploreOptions { Strategy = "dfs", Cache = false, Symmetry = false, NoPreemptionBound = true });
        Assert.True(r.Exhausted && r.Ok);
        Assert.Equal(6, r.Schedules);
        // preemption bound 0: only switches at thread completion: 2 schedules (who goes first)
        var r0 = Exploration.Run(s, new Variants(), new ExploreOptions { Strategy = "dfs", Cache = false, PreemptionBound = 0 });
        Assert.Equal(2, r0.Schedules);
        // caching merges the two orders at the end state: fewer complete schedules, same verdict
        var rc = Exploration.Run(s, new Variants(), new ExploreOptions { Strategy = "dfs", NoPreemptionBound = true });
        Assert.True(rc.Exhausted && rc.Ok);
        Assert.True(rc.Passed < 6 && rc.Pruned > 0, $"{rc.Passed} passed, {rc.Pruned} pruned");
    }

    [Fact]
    public void Symmetry_explores_one_of_two_identical_environment_actors()
    {
        var s = Parse(Machine + """
            setup:
              x = vector_alloc({0}, none)
              request_irq(x)
            threads:
              env: apic_raise(x)
              env: apic_raise(x)
            """);
        var with = Exploration.Run(s, new Variants(), new ExploreOptions { Strategy = "dfs", Cache = false, NoPreemptionBound = true });
        var without = Exploration.Run(s, new Variants(), new ExploreOptions { Strategy = "dfs", Cache = false, Symmetry = false, NoPreemptionBound = true });
        Assert.True(with.Exhausted && without.Exhausted);
        Assert.Equal(6, without.Schedules);
        Assert.True(with.Schedules < without.Schedules, $"{with.Schedules} vs {without.Schedules}");
    }

    [Fact]
    public void Step_bound_turns_a_long_run_into_a_liveness_failure()
    {
        var r = Exploration.Run(TwoThreads("bound: 3\n"), new Variants(), new ExploreOptions { Strategy = "random", Iterations = 5 });
        Assert.False(r.Ok);
        Assert.Equal(FailureKind.Liveness, r.Found!.Kind);
        Assert.Equal(new[] { "LIVENESS" }, r.Found.Ids);
        Assert.Equal(3, r.Found.RunSteps);
    }

    [Fact]
    public void A_cpu_runs_one_thread_at_a_time_unless_the_scenario_shares_it()
    {
        string body = """
            setup:
              a = vector_alloc({0}, none)
              b = vector_alloc({1}, none)
            threads:
              cpu0: vector_activate(a)
              cpu0: vector_activate(b)
            """;
        var exclusive = Exploration.Run(Parse(Machine + body), new Variants(), new ExploreOptions { Strategy = "dfs", Cache = false, Symmetry = false, NoPreemptionBound = true });
        var shared = Exploration.Run(Parse(Machine + "cpus: shared\n" + body), new Variants(), new ExploreOptions { Strategy = "dfs", Cache = false, Symmetry = false, NoPreemptionBound = true });
        Assert.Equal(2, exclusive.Schedules);
        Assert.Equal(6, shared.Schedules);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("pct")]
    [InlineData("delay")]
    [InlineData("portfolio")]
    public void Same_seed_same_schedules(string strategy)
    {
        var a = Explore("xen-rebind-2l", strategy, iterations: 500, seed: 7, variants: "K10");
        var b = Explore("xen-rebind-2l", strategy, iterations: 500, seed: 7, variants: "K10");
        Assert.Equal(a.FoundAt, b.FoundAt);
        Assert.Equal(a.Found?.Log, b.Found?.Log);
        Assert.False(a.Ok, $"{strategy} missed K10 in 500 schedules");
    }

    [Fact]
    public void Log_entries_and_schedule_files_round_trip()
    {
        var run = LogEntry.Run("vcpu1", "handle_irq_for_port.lookup");
        var choice = LogEntry.Choice("pci.sample", 1, 3);
        Assert.Equal(run, LogEntry.TryParse(run.ToString()));
        Assert.Equal(choice, LogEntry.TryParse(choice.ToString()));
        Assert.Equal("run vcpu1 @ handle_irq_for_port.lookup", run.ToString());
        Assert.Equal("choose pci.sample = 1/3", choice.ToString());

        var f = new ScheduleFile { ScenarioPath = ScenarioPath("xen-rebind-2l"), Variants = ["K10"], FailureText = "safety: I-X9", Preemptions = 1, Decisions = [run, choice] };
        var back = ScheduleFile.Parse(f.Write(), "x.schedule");
        Assert.Equal(f.ScenarioPath, back.ScenarioPath);
        Assert.Equal(["K10"], back.Variants);
        Assert.Equal(f.Decisions, back.Decisions);
        var e = Assert.Throws<ModelInputException>(() => ScheduleFile.Parse("scenario: x\ndecisions:\n  jump vcpu0\n", "bad.schedule"));
        Assert.Equal((3, 3), (e.Line, e.Column));
    }

    [Fact]
    public void Minimizer_drops_needless_preemptions_and_keeps_the_failure()
    {
        // K10 found by random usually carries extra switches; the minimized schedule has at most as
        // many preemptions and steps and still fails with I-X9 when replayed.
        var s = Load("xen-rebind-2l");
        var v = VariantsOf("K10");
        var r = Exploration.Run(s, v, new ExploreOptions { Strategy = "random", Seed = 3, Iterations = 2000, Minimize = false });
        Assert.False(r.Ok);
        var runner = new ScheduleRunner(s, v);
        var min = Minimizer.Minimize(runner, r.Found!);
        Assert.False(Minimizer.Better(r.Found!, min));
        Assert.True(min.Preemptions <= r.Found!.Preemptions && min.Preemptions >= 1);
        Assert.Contains("I-X9", min.Ids);
        var replay = Replayer.Run(s, v, min.Log);
        Assert.Equal(Outcome.Fail, replay.Outcome);
        Assert.Equal(0, replay.Divergences);
    }

    [Fact]
    public void Replay_is_tolerant_of_unknown_threads_and_runs_the_default_after_the_log()
    {
        var s = Load("xen-rebind-2l");
        var r = Replayer.Run(s, new Variants(), [LogEntry.Run("vcpu9", "start"), LogEntry.Run("vcpu1", "start")]);
        Assert.Equal(Outcome.Pass, r.Outcome);
        Assert.Equal(1, r.Divergences);
        Assert.Equal("vcpu0", r.Log[0].Thread);           // fallback: the lowest enabled thread
        Assert.Equal("vcpu1", r.Log[1].Thread);           // the log again: a preemption
        Assert.True(r.Log.Count > 4);
        Assert.Contains("cpu0", r.Timeline.Print());
        Assert.Contains("cpu1", r.Timeline.Print());
    }

    [Fact]
    public void Pct_gives_distinct_priorities_and_respects_the_change_points()
    {
        var pct = new PctStrategy(5, 1);                  // depth 1: no change point, strict priorities
        pct.NextIteration();
        var s = Load("xen-rebind-2l");
        var runner = new ScheduleRunner(s, new Variants());
        Assert.Equal(Outcome.Pass, runner.Run(pct));
        Assert.Equal(0, runner.Preemptions);              // highest priority runs to completion
    }

    [Fact]
    public void Cli_explore_reports_exhaustion_and_failures_with_a_replay_line()
    {
        var sw = new StringWriter();
        var err = new StringWriter();
        int clean = IrqVerify.Cli.Program.Run(["explore", ScenarioPath("xen-bind-row"), "--strategy", "dfs"], sw, err);
        Assert.Equal(0, clean);
        Assert.Matches(@"exhausted: \d+ states, \d+ schedules", sw.ToString());

        string dir = Path.Combine(Path.GetTempPath(), $"irqverify-cli-{Guid.NewGuid():N}");
        string file = Path.Combine(dir, "xen-bind-row-K14.schedule");
        sw = new StringWriter();
        int found = IrqVerify.Cli.Program.Run(["explore", ScenarioPath("xen-bind-row"), "--strategy", "random", "--iterations", "500", "--variant", "K14", "--out", dir], sw, err);
        try
        {
            Assert.Equal(1, found);
            string o = sw.ToString();
            Assert.Contains("FAIL: safety: I-X1", o);
            Assert.Contains($"replay: irqverify replay {file}", o);
            Assert.Contains("decision log:", o);
            Assert.True(File.Exists(file));
            sw = new StringWriter();
            Assert.Equal(1, IrqVerify.Cli.Program.Run(["replay", file], sw, err));
            Assert.Contains("REPRODUCED: safety: I-X1", sw.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        err = new StringWriter();
        Assert.Equal(2, IrqVerify.Cli.Program.Run(["explore", ScenarioPath("xen-bind-row"), "--strategy", "bogus"], new StringWriter(), err));
        Assert.Contains("unknown strategy 'bogus'", err.ToString());
        err = new StringWriter();
        Assert.Equal(2, IrqVerify.Cli.Program.Run(["replay", "/nonexistent.schedule"], new StringWriter(), err));
        Assert.Contains("schedule file not found", err.ToString());
        Assert.Equal(TimeSpan.FromMilliseconds(500), IrqVerify.Cli.Commands.ExploreCommand.ParseBudget("500ms"));
        Assert.Equal(TimeSpan.FromSeconds(30), IrqVerify.Cli.Commands.ExploreCommand.ParseBudget("30s"));
    }
}
