using System.Diagnostics;
using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Program;

namespace IrqVerify.Benchmarks;

/// <summary>
/// Where a checked run spends its time: the bench's mixed program (the one `irqverify bench`
/// times), reset by Restore, run with every check after every step, refinement and drain, each
/// catalogue check wrapped in a Stopwatch. Prints ops/s for several option sets, the share of
/// each check (the rest is the model's own steps, refinement, judging and the drain), the cost of
/// each part of the state hash and which parts' change epochs each step moves.
/// </summary>
public static class CheckedRunProfile
{
    public static int Run(double seconds)
    {
        var cfg = MachineConfig.Default();
        var prog = ProgramParser.Parse(IrqVerify.Verify.BenchRunner.MixedProgram, "bench.irq", cfg);
        int ops = prog.CallCount;
        var m = new Machine(cfg);
        var boot = m.Snapshot();
        double Rate(RunOptions o)
        {
            long runs = 0;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < seconds) { m.Restore(boot); ProgramRunner.Run(m, prog, o); runs++; }
            return runs * ops / sw.Elapsed.TotalSeconds;
        }
        InvariantCheck[] none = [];
        Rate(new RunOptions()); // past tiered JIT
        for (int round = 0; round < 2; round++)
        {
            Console.WriteLine($"{"no checks",-44} {Rate(new RunOptions { CheckEveryStep = false, CheckRefinement = false, Checks = none }),10:F0} ops/s");
            Console.WriteLine($"{"refinement only",-44} {Rate(new RunOptions { CheckEveryStep = false, CheckRefinement = true, Checks = none }),10:F0} ops/s");
            Console.WriteLine($"{"checks after every op, no refinement",-44} {Rate(new RunOptions { CheckEveryStep = false, CheckRefinement = false }),10:F0} ops/s");
            Console.WriteLine($"{"checks after every step, no refinement",-44} {Rate(new RunOptions { CheckRefinement = false }),10:F0} ops/s");
            Console.WriteLine($"{"all (bench's checked figure)",-44} {Rate(new RunOptions()),10:F0} ops/s");
        }

        // Per-check cost inside the checked run.
        var ticks = new Dictionary<string, long>();
        var calls = new Dictionary<string, long>();
        var wrapped = InvariantCatalog.All.Select(c =>
        {
            ticks[c.Id] = 0; calls[c.Id] = 0;
            return c with
            {
                Check = (mm, v) =>
                {
                    long t0 = Stopwatch.GetTimestamp();
                    c.Check(mm, v);
                    ticks[c.Id] += Stopwatch.GetTimestamp() - t0;
                    calls[c.Id]++;
                },
            };
        }).ToArray();
        long total0 = Stopwatch.GetTimestamp();
        long runs = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds) { m.Restore(boot); ProgramRunner.Run(m, prog, new RunOptions { Checks = wrapped }); runs++; }
        long total = Stopwatch.GetTimestamp() - total0;
        double us(long t) => t * 1e6 / Stopwatch.Frequency / runs;
        Console.WriteLine($"per program run ({runs} runs): {us(total),10:F1} us total; checks {us(ticks.Values.Sum()),10:F1} us");
        foreach (var (id, t) in ticks.OrderByDescending(kv => kv.Value))
            Console.WriteLine($"  {id,-8} {us(t),10:F1} us/run  {calls[id] / (double)runs,6:F1} calls/run");
        HashParts(m);
        EpochPatterns(m, boot, prog);
        return 0;
    }

    /// <summary>Which parts' change epochs each step of the program moves (what the incremental
    /// checker and state hash can skip).</summary>
    private static void EpochPatterns(Machine m, MachineSnapshot boot, IrqProgram prog)
    {
        var parts = new[] { StateScope.Matrix, StateScope.Vector, StateScope.Irqs, StateScope.Pci, StateScope.Xen, StateScope.Locks };
        long[] Ep() => parts.Select(p => m.EpochOf(p)).ToArray();
        var counts = new Dictionary<string, int>();
        m.Restore(boot);
        var prev = Ep();
        m.AfterStep = t =>
        {
            var now = Ep();
            string key = string.Concat(Enumerable.Range(0, parts.Length).Select(i => now[i] != prev[i] ? "MVIPXL"[i] : '.'));
            counts[key] = counts.GetValueOrDefault(key) + 1;
            prev = now;
        };
        ProgramRunner.Run(m, prog, new RunOptions { Checks = [], CheckRefinement = false, CheckEveryStep = false, Drain = false });
        m.AfterStep = null;
        Console.WriteLine("steps by changed epochs (Matrix Vector Irqs Pci Xen Locks):");
        foreach (var (k, n) in counts.OrderByDescending(kv => kv.Value)) Console.WriteLine($"  {k} {n}");
    }

    /// <summary>µs per state-hash part on the machine as the program left it (after a Restore to boot it is the boot state).</summary>
    private static void HashParts(Machine m)
    {
        var parts = new (string Name, Action Run)[]
        {
            ("matrix", () => { var h = new StateHasher(); m.Matrix.Hash(ref h); }),
            ("vector", () => { var h = new StateHasher(); m.Vector.Hash(ref h); }),
            ("irqs", () => { var h = new StateHasher(); m.Irqs.Hash(ref h); }),
            ("pci", () => { var h = new StateHasher(); m.Pci.Hash(ref h); }),
            ("xen", () => { var h = new StateHasher(); m.Xen?.Hash(ref h); }),
            ("locks", () => { var h = new StateHasher(); m.Locks.Hash(ref h); }),
            ("whole StateHash", () => m.StateHash()),
        };
        foreach (var (name, run) in parts)
        {
            for (int i = 0; i < 200; i++) run();
            long n = 0;
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < 200) { run(); n++; }
            Console.WriteLine($"  hash {name,-16} {sw.Elapsed.TotalMilliseconds * 1000 / n,8:F2} us");
        }
    }
}
