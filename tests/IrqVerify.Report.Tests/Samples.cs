using IrqVerify.Designs.ContiguousMultiMsi;
using IrqVerify.Explorer;
using IrqVerify.Model;
using IrqVerify.Model.Program;

namespace IrqVerify.Report.Tests;

/// <summary>Reports built from real engine output (a K10 explorer counterexample, the pinned
/// seed-001 program) and a small hand-made one with text that needs escaping.</summary>
internal static class Samples
{
    public static string Data(string relative) => Path.Combine(AppContext.BaseDirectory, relative);

    /// <summary>K10 on xen-rebind-2l found by the random strategy (seed 3), minimized, then replayed
    /// with the timeline recorder.</summary>
    public static (Failure Failure, ReplayResult Replay, Timeline Timeline) K10()
    {
        var s = ScenarioParser.Load(Data("scenarios/xen-rebind-2l.scn"));
        var v = new Variants();
        Assert.True(v.TryEnable("K10"));
        var r = Exploration.Run(s, v, new ExploreOptions { Strategy = "random", Seed = 3, Iterations = 2000 });
        var f = r.Minimized ?? r.Found;
        Assert.NotNull(f);
        var (replay, timeline) = TimelineBuilder.ReplayExplorer(s, v, f!.Log);
        return (f, replay, timeline);
    }

    public static VerifyReport K10Report()
    {
        var (f, replay, timeline) = K10();
        var report = new VerifyReport
        {
            Title = "irqverify verify — xen-2l, variant K10",
            Variant = "K10",
            Machine = "xen-2l",
            Seed = 3,
            Budget = TimeSpan.FromSeconds(60),
            Elapsed = TimeSpan.FromSeconds(4.2),
        };
        report.Engines.Add(new EngineSummary("properties", 1200, "cases", TimeSpan.FromSeconds(1.5), 0, "scale 0.1"));
        report.Engines.Add(new EngineSummary("explorer", 2000, "schedules", TimeSpan.FromSeconds(2.1), 1, "xen-rebind-2l: I-X9"));
        report.Engines.Add(new EngineSummary("fuzz", 51234, "execs", TimeSpan.FromSeconds(0.6), 0, ""));
        report.Failures.Add(new FailureReport
        {
            Engine = "explorer",
            Invariants = replay.Failure!.Ids,
            Messages = replay.Failure.Messages,
            Counterexample = string.Join("\n", f.Log.Select(e => e.ToString())),
            Narrative = "vCPU0's upcall snapshots port pending; the port is rebound to vCPU1 and raised there; both vCPUs run the handler for one event.",
            Replay = "irqverify replay k10.schedule",
            RegressionTest = "[Fact]\npublic void K10_same_event_on_two_vcpus() { Assert.True(1 < 2 && \"<ok>\" != null); }",
            Timeline = timeline,
        });
        return report;
    }

    /// <summary>Two lanes, three steps, the second violating; text with markup characters.</summary>
    public static VerifyReport Small(bool failing = true)
    {
        var r = new VerifyReport
        {
            Title = "verify <script>alert('x')</script> & co",
            Variant = "reference",
            Machine = "default",
            Seed = 42,
            Budget = TimeSpan.FromSeconds(10),
            Elapsed = TimeSpan.FromMilliseconds(2500),
        };
        r.Engines.Add(new EngineSummary("explorer", 123456, "schedules", TimeSpan.FromSeconds(2), failing ? 1 : 0, "a < b & c"));
        if (!failing) return r;
        var t = new Timeline();
        t.Lanes.AddRange(["cpu0", "cpu1", "dev0"]);
        t.Steps.Add(new TimelineStep(1, "cpu0", "irq_set_affinity.lock", "cpu0: start -> lock\n  * CPU0 vector 0x21 <alloc>", false));
        t.Steps.Add(new TimelineStep(2, "cpu1", "cpu_offline.fixup", "cpu1 -> fixup\n  * vector 0x41 leaked", true));
        t.Steps.Add(new TimelineStep(3, "dev0", "msi_write", "dev0 -> write", false));
        r.Failures.Add(new FailureReport
        {
            Engine = "explorer",
            Invariants = ["I-V3", "I-V16"],
            Messages = ["vector 0x41 on CPU1 <leaked>", "irq 33 & vector"],
            Counterexample = "irq = vector_alloc({0-3}, none)\nirq_set_affinity(irq, {2})",
            Narrative = "CPU1 goes offline; irq 33 was moving 1→2; vector 0x41 on CPU1 is never freed",
            Replay = "irqverify run x.irq --variant K3",
            RegressionTest = "[Fact] public void T() { Assert.True(1 < 2); }",
            Timeline = t,
        });
        return r;
    }

    /// <summary>The pinned seed-001 counterexample (contiguous multi-MSI block breaks when its CPU goes down).</summary>
    public static ProgramTimeline Seed001()
    {
        var cfg = MachineConfig.Load(Data("regressions/seed001-block-offline-i-v8.machine.json"));
        string path = Data("regressions/seed001-block-offline-i-v8.irq");
        var p = ProgramParser.Parse(File.ReadAllText(path), path, cfg);
        var v = new Variants { Design = new ContiguousMultiMsiDesign() };
        return TimelineBuilder.FromProgram(cfg, v, p);
    }
}
