using IrqVerify.Model;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace IrqVerify.Fuzz;

public sealed class FuzzOptions
{
    public ulong Seed { get; init; } = 1;
    /// <summary>Stop after this many executions (the deterministic budget; tests use this).</summary>
    public long MaxExecs { get; init; } = long.MaxValue;
    /// <summary>Stop after this much wall time (progress/budget only; never influences decisions).</summary>
    public TimeSpan? Budget { get; init; }
    /// <summary>Decode parallel groups (interleaving decisions) from the bytes.</summary>
    public bool Groups { get; init; } = true;
    public int MaxInputLength { get; init; } = 256;
    /// <summary>Initial inputs (encoded example programs, a corpus directory's files).</summary>
    public IReadOnlyList<byte[]> Seeds { get; init; } = [];
    /// <summary>Stop at the first failure whose signature contains one of these ids (tests: "found K6").</summary>
    public IReadOnlyCollection<string>? StopOnIds { get; init; }
    /// <summary>Called about twice a second with the running statistics.</summary>
    public Action<FuzzStats>? Progress { get; init; }
    /// <summary>Called once per distinct failure, after minimization.</summary>
    public Action<FuzzFailure>? OnFailure { get; init; }
    /// <summary>Called for each input added to the corpus (to persist it).</summary>
    public Action<byte[]>? OnNewInput { get; init; }
}

public sealed record FuzzStats(long Execs, int Corpus, int Failures, TimeSpan Elapsed, int Edges, int DomainFeatures)
{
    public double ExecsPerSecond => Elapsed.TotalSeconds > 0 ? Execs / Elapsed.TotalSeconds : 0;
}

/// <summary>A distinct failure: its signature, the minimized program and when it was found.</summary>
public sealed record FuzzFailure(string Signature, FuzzProgram Program, string Text, byte[] Input, long FoundAtExec, TimeSpan FoundAfter, int MinimizeAttempts)
{
    public IReadOnlyList<string> Ids => Signature.Split(',');
}

public sealed record FuzzRunResult(FuzzStats Stats, IReadOnlyList<FuzzFailure> Failures);

/// <summary>
/// The in-process coverage-guided fuzzer: a corpus of byte inputs, stacked byte- and program-level
/// mutations, feedback from the domain feature map and (when the loaded model assembly was
/// instrumented by `sharpfuzz`) SharpFuzz's edge map of the model's code, deduplication of failures
/// by violated-invariant id set (differential under a variant) and minimization of each new one.
/// Deterministic for a seed and an exec budget; wall time only ends the run.
/// </summary>
public sealed class Fuzzer
{
    private readonly FuzzExecutor _exec;
    private readonly OpTable _table;
    private readonly DomainFeatures _features = new();
    private readonly byte[] _virginDomain = Fill(DomainFeatures.Size);
    private readonly byte[] _virginEdges = Fill(EdgeCoverage.MapSize);
    private static readonly byte[] Classes = BuildClasses();

    /// <summary>Judges failures: differentially when a variant is re-injected, by the verdict's judge on the reference.</summary>
    private readonly DifferentialSignature _judge;

    public Fuzzer(FuzzExecutor exec, bool strict = false)
    {
        _exec = exec;
        _table = exec.Table;
        _judge = new DifferentialSignature(exec, strict);
        _exec.Features = _features;
    }

    /// <summary>Candidates the judge classed as caller misuse or known upstream behaviour only.</summary>
    public long Excused => _judge.Excused;

    private static byte[] Fill(int n) { var a = new byte[n]; Array.Fill(a, (byte)0xFF); return a; }

    private static byte[] BuildClasses()
    {
        var c = new byte[256];
        for (int i = 0; i < 256; i++)
            c[i] = i switch { 0 => 0, 1 => 1, 2 => 2, 3 => 4, < 8 => 8, < 16 => 16, < 32 => 32, < 128 => 64, _ => 128 };
        return c;
    }

    /// <summary>Runs one program and returns its failure signature ("" when clean); an exception
    /// escaping the model is itself a failure ("exception:Type").</summary>
    public static string SignatureOf(FuzzExecutor exec, FuzzProgram p, out ExecResult? result)
    {
        try
        {
            result = exec.Run(p);
            return result.Signature;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            result = null;
            return "exception:" + e.GetType().Name;
        }
    }

    public FuzzRunResult Run(FuzzOptions o)
    {
        var rng = new Rng(o.Seed);
        var sw = Stopwatch.StartNew();
        var mutator = new Mutator(_table, o.Groups, o.MaxInputLength);
        var corpus = new List<byte[]>();
        var failures = new List<FuzzFailure>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool edges = EdgeCoverage.Instrumented;
        if (edges) EdgeCoverage.Prepare();
        int edgeCount = 0, domain = 0;
        long execs = 0;
        long nextProgress = 0;
        bool stop = false;

        bool Interesting()
        {
            bool any = Merge(_features.Map, _virginDomain, ref domain);
            if (edges) any |= Merge(EdgeCoverage.Map, _virginEdges, ref edgeCount);
            return any;
        }

        void Execute(byte[] input)
        {
            execs++;
            _features.Clear();
            if (edges) EdgeCoverage.Reset();
            var prog = ByteFormat.Decode(input, _table, o.Groups);
            string sig = _judge.Of(prog, out var result);
            if (sig.Length > 0)
            {
                if (!seen.Add(sig)) return;
                var min = new Minimizer(_judge.Of, _table);
                var small = min.Minimize(prog, sig, result?.FirstCall);
                var f = new FuzzFailure(sig, small, small.Print(_table), input, execs, sw.Elapsed, min.Attempts);
                failures.Add(f);
                o.OnFailure?.Invoke(f);
                if (o.StopOnIds is not null && f.Ids.Any(o.StopOnIds.Contains)) stop = true;
                return;
            }
            if (Interesting())
            {
                corpus.Add(input);
                o.OnNewInput?.Invoke(input);
            }
        }

        foreach (var s in o.Seeds) { if (stop || execs >= o.MaxExecs) break; Execute(s); }
        if (corpus.Count == 0) corpus.Add([]);
        while (!stop && execs < o.MaxExecs)
        {
            if ((execs & 63) == 0)
            {
                var t = sw.Elapsed;
                if (o.Budget is { } b && t >= b) break;
                if (o.Progress is not null && t.Ticks >= nextProgress)
                {
                    nextProgress = t.Ticks + TimeSpan.TicksPerMillisecond * 500;
                    o.Progress(new FuzzStats(execs, corpus.Count, failures.Count, t, edgeCount, domain));
                }
            }
            var parent = corpus[rng.Below(corpus.Count)];
            var other = corpus[rng.Below(corpus.Count)];
            Execute(mutator.Mutate(parent, other, ref rng));
        }
        var stats = new FuzzStats(execs, corpus.Count, failures.Count, sw.Elapsed, edgeCount, domain);
        o.Progress?.Invoke(stats);
        return new FuzzRunResult(stats, failures);
    }

    /// <summary>AFL's has_new_bits: classify hit counts and clear them from the virgin map; counts
    /// newly covered entries into <paramref name="covered"/>.</summary>
    private static bool Merge(ReadOnlySpan<byte> map, byte[] virgin, ref int covered)
    {
        // A run touches a few hundred of the 64 Ki entries: test 32 bytes at a time and look at the
        // bytes of a block only when it is not all zero.
        bool any = false;
        ref byte start = ref MemoryMarshal.GetReference(map);
        int blocks = map.Length - map.Length % Vector256<byte>.Count;
        for (int b = 0; b < blocks; b += Vector256<byte>.Count)
            if (Vector256.LoadUnsafe(ref start, (nuint)b) != Vector256<byte>.Zero)
                for (int i = b; i < b + Vector256<byte>.Count; i++) any |= MergeOne(map[i], virgin, i, ref covered);
        for (int i = blocks; i < map.Length; i++) any |= MergeOne(map[i], virgin, i, ref covered);
        return any;
    }

    private static bool MergeOne(byte hits, byte[] virgin, int i, ref int covered)
    {
        if (hits == 0) return false;
        byte cls = Classes[hits];
        if ((virgin[i] & cls) == 0) return false;
        if (virgin[i] == 0xFF) covered++;
        virgin[i] &= (byte)~cls;
        return true;
    }
}
