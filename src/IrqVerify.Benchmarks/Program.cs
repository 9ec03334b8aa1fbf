using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace IrqVerify.Benchmarks;

/// <summary>
/// Benchmarks of the reference model's hot paths.
///   dotnet run -c Release --project src/IrqVerify.Benchmarks -- --filter '*'   (BenchmarkDotNet, short in-process job)
///   dotnet run -c Release --project src/IrqVerify.Benchmarks -- --quick        (Stopwatch, a few seconds)
///   dotnet run -c Release --project src/IrqVerify.Benchmarks -- --profile      (where a checked run of the bench's program spends its time)
///   dotnet run -c Release --project src/IrqVerify.Benchmarks -- --matrix [DIR]  (kernel matrix.c vs the pristine model; DIR caches the build)
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        int q = Array.IndexOf(args, "--quick");
        if (q >= 0) return Quick(q + 1 < args.Length ? args[q + 1] : null);
        if (args.Contains("--checks")) return Checks();
        if (args.Contains("--profile")) return CheckedRunProfile.Run(2);
        int mx = Array.IndexOf(args, "--matrix");
        if (mx >= 0) return Matrix(mx + 1 < args.Length ? args[mx + 1] : Path.Combine("irqverify-out", "conform"));
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).AsDefault())
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }

    /// <summary>The CLI's `conform matrix --bench` on the model as this project loads it: not
    /// instrumented by SharpFuzz, so the difference to the CLI's figure is the instrumentation's cost.</summary>
    private static int Matrix(string cacheDir)
    {
        var lib = Conformance.Native.KernelMatrixLibrary.Ensure(cacheDir, null);
        Console.WriteLine(Conformance.Bench.MatrixNativeBench.Run(lib));
        return 0;
    }

    /// <summary>Cost of each catalogue check on the idle and the busy machine (µs per call).</summary>
    private static int Checks()
    {
        var s = new Scenarios();
        s.Setup();
        var scratch = new List<Model.Core.Violation>();
        foreach (var c in Model.Invariants.InvariantCatalog.All)
        {
            Console.Write($"{c.Id,-8}");
            foreach (var m in new[] { s.Idle, s.Busy })
                Console.Write($" {Measure(() => { scratch.Clear(); c.Check(m, scratch); }, 60, 3),10:F3}");
            Console.WriteLine();
        }
        return 0;
    }

    private static double Measure(Action run, int batchMs = 80, int batches = 7)
    {
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < batchMs) run();
        double best = double.MaxValue;
        for (int batch = 0; batch < batches; batch++)
        {
            long n = 0;
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < batchMs) { run(); n++; }
            best = Math.Min(best, sw.Elapsed.TotalMilliseconds * 1000 / n);
        }
        return best;
    }

    /// <summary>A fast Stopwatch measurement of every scenario: mean µs per call over ~0.3 s each.</summary>
    private static int Quick(string? filter)
    {
        var s = new Scenarios();
        s.Setup();
        var cases = new (string Name, Action Run)[]
        {
            ("matrix alloc+free", s.MatrixAllocFree),
            ("vector move+cleanup", s.VectorMoveCleanup),
            ("MSI-X enable+disable (4)", s.MsixEnableDisable4),
            ("Xen send+upcall", s.XenSendUpcall),
            ("new Machine", () => s.Construct()),
            ("Restore (boot snapshot)", s.RestoreBoot),
            ("Restore (busy snapshot)", s.RestoreBusy),
            ("Snapshot (into existing)", s.SnapshotInto),
            ("Snapshot (new)", () => s.SnapshotNew()),
            ("invariant round (idle)", s.InvariantRoundIdle),
            ("invariant round (busy)", s.InvariantRoundBusy),
            ("17-op program, all checks", () => s.Program17WithChecks()),
            ("17-op program, no checks", () => s.Program17NoChecks()),
            ("17-op program, no checks, Restore", () => s.Program17NoChecksRestore()),
        };
        foreach (var (name, run) in cases)
        {
            if (filter is not null && !name.Contains(filter, StringComparison.OrdinalIgnoreCase)) continue;
            // Warm up past tiered JIT, then report the best of several batches: the machine may be
            // shared, and the minimum is the least disturbed estimate.
            var warm = Stopwatch.StartNew();
            while (warm.ElapsedMilliseconds < 400) run();
            double best = double.MaxValue;
            for (int batch = 0; batch < 7; batch++)
            {
                long n = 0;
                var sw = Stopwatch.StartNew();
                while (sw.ElapsedMilliseconds < 80) { run(); n++; }
                best = Math.Min(best, sw.Elapsed.TotalMilliseconds * 1000 / n);
            }
            Console.WriteLine($"{name,-32} {best,10:F3} us");
        }
        return 0;
    }
}
