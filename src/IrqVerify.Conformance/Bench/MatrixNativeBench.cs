using System.Diagnostics;
using IrqVerify.Conformance.Native;
using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;

namespace IrqVerify.Conformance.Bench;

/// <summary>
/// The speed comparison: one alloc/free sequence on x86's geometry (4 online CPUs, vectors 32..235)
/// run by the kernel's matrix.c (the loop in C, kmx_bench_alloc_free: no interop per op) and by the
/// model (the same loop in C#), in one process, the model twice: the allocator alone (no operation
/// record, as the kernel has none) and with the record a checked run keeps. Each step allocates on all CPUs or frees the oldest
/// live allocation (a FIFO of at most 600), chosen by SplitMix64(seed). Timing is outside the model.
/// </summary>
public static unsafe class MatrixNativeBench
{
    private const int Cpus = 4, MatrixBits = 256, AllocStart = 32, AllocEnd = 236, Ring = 600;

    /// <summary>Runs the sequence <paramref name="rounds"/> times on each side, alternating, and keeps
    /// each side's fastest round (a shared machine's other load only ever slows a round down).</summary>
    public static MatrixBenchResult Run(KernelMatrixLibrary kernel, int ops = 1_000_000, ulong seed = 1, int rounds = 3)
    {
        var mask = CpuMask.FirstN(Cpus);
        Native(kernel, mask, Math.Min(ops, 50_000), seed); // warm-up (page faults, caches)
        Model(mask, Math.Min(ops, 50_000), seed, record: false); // warm-up (JIT tiering)
        Model(mask, Math.Min(ops, 50_000), seed, record: true);
        double nativeBest = double.MaxValue, modelBest = double.MaxValue, recordBest = double.MaxValue;
        bool agree = true;
        for (int r = 0; r < Math.Max(rounds, 1); r++)
        {
            var sw = Stopwatch.StartNew();
            ulong n = Native(kernel, mask, ops, seed);
            nativeBest = Math.Min(nativeBest, sw.Elapsed.TotalSeconds);
            sw.Restart();
            ulong m = Model(mask, ops, seed, record: false);
            modelBest = Math.Min(modelBest, sw.Elapsed.TotalSeconds);
            sw.Restart();
            ulong mr = Model(mask, ops, seed, record: true);
            recordBest = Math.Min(recordBest, sw.Elapsed.TotalSeconds);
            agree &= n == m && n == mr;
        }
        return new MatrixBenchResult(ops, ops / nativeBest, ops / modelBest, agree, kernel.KernelVersion, ops / recordBest);
    }

    private static ulong Native(KernelMatrixLibrary k, CpuMask mask, int ops, ulong seed)
    {
        nint h = k.Create(Cpus, MatrixBits, AllocStart, AllocEnd);
        try
        {
            var r = default(KmxResult);
            for (uint c = 0; c < Cpus; c++) k.Op(h, 0 /* KMX_ONLINE */, c, 0, 0, 0, &r);
            return k.BenchAllocFree(h, mask.Bits, (uint)ops, Ring, seed);
        }
        finally { k.Destroy(h); }
    }

    /// <summary>The C loop of kmx_bench_alloc_free, line for line, on the model.</summary>
    private static ulong Model(CpuMask mask, int ops, ulong seed, bool record)
    {
        var m = new IrqMatrix(Cpus, MatrixBits, AllocStart, AllocEnd, new DiagnosticLog()) { RecordOperations = record };
        for (int c = 0; c < Cpus; c++) m.Online(c);
        var rc = new int[Ring];
        var rb = new int[Ring];
        int head = 0, count = 0;
        var rng = new SplitMix64(seed);
        ulong sum = 0;
        unchecked
        {
            for (int i = 0; i < ops; i++)
            {
                ulong z = rng.Next();
                bool alloc = count == 0 || (count < Ring && (z & 1) != 0);
                if (alloc)
                {
                    var e = m.Alloc(mask, false, out int cpu, out int bit);
                    int ret = e == Errno.Ok ? bit : -(int)e;
                    uint mapped = e == Errno.Ok ? (uint)cpu : uint.MaxValue;
                    sum = sum * 31 + (ulong)(long)ret * 7 + mapped;
                    if (e == Errno.Ok)
                    {
                        int slot = (head + count) % Ring;
                        rc[slot] = cpu;
                        rb[slot] = bit;
                        count++;
                    }
                }
                else
                {
                    m.Free(rc[head], rb[head], false);
                    sum = sum * 31 + (ulong)rb[head];
                    head = (head + 1) % Ring;
                    count--;
                }
            }
        }
        return sum;
    }
}
