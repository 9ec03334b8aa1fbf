using System.Diagnostics;
using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;

namespace IrqVerify.Fuzz;

/// <summary>
/// Throughput figures for the README and the closing note: machine reset cost, executions per second
/// on random 10–30 call programs (fast and thorough checking), and the cost of each invariant check
/// on a busy fuzz machine. Wall-clock only; nothing here influences fuzzing decisions.
/// </summary>
public static class FuzzBench
{
    public static void Run(TextWriter w, MachineConfig cfg, double seconds = 2)
    {
        var t = new OpTable(cfg);
        var exec = new FuzzExecutor(t, new Variants());
        var rng = new Rng(7);
        var programs = new List<FuzzProgram>();
        while (programs.Count < 256)
        {
            var bytes = new byte[120];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = rng.Byte();
            var p = ByteFormat.Decode(bytes, t);
            while (p.Calls.Count > 30) Minimizer.RemoveCall(p, p.Calls.Count - 1);
            if (p.Calls.Count >= 10) programs.Add(p);
        }
        double avgCalls = programs.Average(p => p.Calls.Count);

        var sw = Stopwatch.StartNew();
        int resets = 0;
        while (sw.Elapsed.TotalSeconds < seconds / 4) { exec.Reset(); resets++; }
        w.WriteLine($"reset (restore the boot snapshot on {cfg.Name}): {sw.Elapsed.TotalMicroseconds / resets:F1} us");

        foreach (bool features in new[] { false, true })
            foreach (bool thorough in new[] { false, true })
            {
                exec.Thorough = thorough;
                exec.Features = features ? new DomainFeatures() : null;
                sw.Restart();
                long n = 0;
                while (sw.Elapsed.TotalSeconds < seconds / 4)
                    for (int i = 0; i < 64; i++, n++) { exec.Features?.Clear(); Fuzzer.SignatureOf(exec, programs[(int)(n % programs.Count)], out _); }
                w.WriteLine($"execs/s ({avgCalls:F1} calls avg, {(thorough ? "every safety check after every step" : "cheap checks per op, full at end")}{(features ? ", domain features" : "")}): {n / sw.Elapsed.TotalSeconds:F0}");
            }

        // Per-check cost on the states the programs leave behind.
        exec.Thorough = false;
        exec.Features = null;
        var machines = new List<Machine>();
        foreach (var p in programs.Take(32)) { Fuzzer.SignatureOf(exec, p, out _); machines.Add(exec.LastMachine!); }
        var scratch = new List<Violation>();
        var costs = new List<(string, double)>();
        foreach (var c in InvariantCatalog.All)
        {
            sw.Restart();
            long n = 0;
            while (sw.ElapsedMilliseconds < 20) foreach (var m in machines) { scratch.Clear(); c.Check(m, scratch); n++; }
            costs.Add((c.Id + (c.Kind == InvariantKind.Eventual ? " (eventual)" : FuzzExecutor.CheapIds.Contains(c.Id) ? " (per op)" : ""), sw.Elapsed.TotalMicroseconds * 1000 / n));
        }
        w.WriteLine("invariant check cost (ns): " + string.Join(", ", costs.OrderByDescending(c => c.Item2).Select(c => $"{c.Item1} {c.Item2:F0}")));
    }
}
