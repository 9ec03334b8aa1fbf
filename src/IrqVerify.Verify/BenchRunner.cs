using System.Diagnostics;
using IrqVerify.Explorer;
using IrqVerify.Fuzz;
using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Verify;

/// <summary>
/// `irqverify bench`: in one run, the matrix against the kernel's C (when the caller supplies that
/// measurement), model operations per second (a fixed mixed program, with every check and without,
/// each run reset by Machine.Restore), explorer schedules per second (random and dfs on
/// xen-rebind-2l), fuzz executions per second and the process's peak RSS. Wall clock only; never
/// asserted in tests.
/// </summary>
public static class BenchRunner
{
    /// <summary>PCI (MSI-X unwind, multi-MSI), an x86 vector move with cleanup and CPU offline, Xen delivery.</summary>
    public const string MixedProgram = """
        n = pci_alloc_irq_vectors(dev1, 4, 4, msix)
        irq0 = pci_irq_vector(dev1, 0)
        irq1 = pci_irq_vector(dev1, 1)
        request_irq(irq0)
        request_irq(irq1)
        irq_set_affinity(irq0, {2})
        device_raise(dev1, 0)
        interrupt(0)
        interrupt(2)
        cleanup_timer(0)
        m = pci_alloc_irq_vectors(dev0, 4, 4, msi)
        mirq = pci_irq_vector(dev0, 0)
        request_irq(mirq)
        cpu_offline(3)
        cpu_online(3)
        p = evtchn_alloc_unbound()
        xirq = bind_evtchn_to_irq(p)
        request_irq(xirq)
        xen_send(p)
        xen_upcall(0)
        free_irq(xirq)
        free_irq(mirq)
        pci_free_irq_vectors(dev0)
        free_irq(irq1)
        free_irq(irq0)
        pci_free_irq_vectors(dev1)
        """;

    public sealed record Figures(double OpsPerSecondChecked, double OpsPerSecondUnchecked, double SchedulesPerSecond, double FuzzExecsPerSecond,
        double DfsSchedulesPerSecond, long PeakRssBytes);

    /// <summary>Runs every measurement; <paramref name="matrix"/> (may be null) prints the matrix
    /// comparison with the kernel's C first (it lives in the conformance assembly).</summary>
    public static Figures Run(TextWriter w, double seconds = 2, string? scenarioDir = null, Action<TextWriter>? matrix = null)
    {
        matrix?.Invoke(w);
        var cfg = MachineConfig.Default();
        var prog = ProgramParser.Parse(MixedProgram, "bench.irq", cfg);
        int ops = prog.CallCount;
        var m = new Machine(cfg);
        var boot = m.Snapshot();
        var noChecks = new RunOptions { CheckEveryStep = false, CheckRefinement = false, Checks = Array.Empty<IrqVerify.Model.Invariants.InvariantCheck>() };
        var all = new RunOptions();
        double Rate(RunOptions o)
        {
            long runs = 0;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                m.Restore(boot);
                ProgramRunner.Run(m, prog, o);
                runs++;
            }
            return runs * ops / sw.Elapsed.TotalSeconds;
        }
        var first = ProgramRunner.Run(new Machine(cfg), prog, all);
        w.WriteLine($"model: fixed mixed program of {ops} operations (PCI, vector move + cleanup, CPU offline/online, Xen), reset by Machine.Restore{(first.Ok ? "" : " [program violates " + string.Join(",", first.ViolatedIds) + "]")}");
        double unchecked_ = Rate(noChecks);
        w.WriteLine($"  without checks:                        {unchecked_,10:F0} ops/s");
        double checked_ = Rate(all);
        w.WriteLine($"  every invariant after every step + refinement + drain: {checked_,10:F0} ops/s");

        var files = Repo.ScenarioFiles(scenarioDir);
        string rebind = files.FirstOrDefault(f => Path.GetFileName(f) == "xen-rebind-2l.scn") ?? files[0];
        var s = ScenarioParser.Load(rebind);
        var er = Exploration.Run(s, new Variants(), new ExploreOptions { Strategy = "random", Budget = TimeSpan.FromSeconds(seconds), Iterations = long.MaxValue, Minimize = false });
        w.WriteLine($"explorer: random on {s.Name}: {er.Schedules} schedules in {er.Elapsed.TotalSeconds:F2}s = {er.SchedulesPerSecond,10:F0} schedules/s");
        // The scenario's dfs is exhausted in well under a second: repeat whole explorations (state
        // cache and all) until the time is up.
        long dfsSchedules = 0, dfsRuns = 0;
        var dfsTime = TimeSpan.Zero;
        while (dfsTime.TotalSeconds < seconds)
        {
            var dr = Exploration.Run(s, new Variants(), new ExploreOptions { Strategy = "dfs", Budget = TimeSpan.FromSeconds(seconds), Minimize = false });
            dfsSchedules += dr.Schedules;
            dfsTime += dr.Elapsed;
            dfsRuns++;
        }
        double dfsRate = dfsSchedules / dfsTime.TotalSeconds;
        w.WriteLine($"explorer: dfs on {s.Name}: {dfsRuns} runs, {dfsSchedules} schedules in {dfsTime.TotalSeconds:F2}s = {dfsRate,10:F0} schedules/s");

        // The fuzz figure users get: the loop in the context whose model carries SharpFuzz's probes
        // (FuzzBurst.Host); beside it, when that is a second context, the same loop on the pristine
        // model this process runs everything else on (domain features only): the probes' price.
        var fuzzCfg = FuzzMachines.Small();
        var request = new FuzzBurst.Request(1, seconds, long.MaxValue, fuzzCfg.ToJson(), [], null, false, null, [.. Repo.SeedDirs()], null);
        // Each loop warms up first (its own second of JIT and tiering; the instrumented context starts
        // cold), so the figure is the throughput a long run sees.
        var warmUp = request with { BudgetSeconds = 1 };
        FuzzBurst.Run(warmUp, fuzzCfg, new Variants(), null);
        var fr = FuzzBurst.Run(request, fuzzCfg, new Variants(), null);
        string Coverage(FuzzBurst.Result r) => r.EdgeCoverage ? "SharpFuzz edges + domain features" : "domain features only, model not instrumented";
        w.WriteLine($"fuzz: in-process on {fuzzCfg.Name} ({Coverage(fr)}): {fr.Execs} execs in {fr.Seconds:F2}s after 1 s of warm-up = {fr.ExecsPerSecond,10:F0} execs/s");
        if (FuzzBurst.Host is not null)
        {
            FuzzBurst.RunLocal(warmUp, fuzzCfg, new Variants(), null);
            var pr = FuzzBurst.RunLocal(request, fuzzCfg, new Variants(), null);
            w.WriteLine($"fuzz: in-process on {fuzzCfg.Name} ({Coverage(pr)}): {pr.Execs} execs in {pr.Seconds:F2}s after 1 s of warm-up = {pr.ExecsPerSecond,10:F0} execs/s");
        }
        long rss = PeakRss.Bytes();
        w.WriteLine($"peak RSS: {PeakRss.Format(rss)}");
        return new Figures(checked_, unchecked_, er.SchedulesPerSecond, fr.ExecsPerSecond, dfsRate, rss);
    }
}
