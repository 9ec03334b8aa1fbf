using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Program;
using IrqVerify.Model.Verdict;

namespace IrqVerify.Fuzz;

/// <summary>What one execution found: the distinct violated invariant ids (sorted) and, per id, the
/// call after which it was first seen (Calls.Count = at quiescence). Reused between runs.</summary>
public sealed class ExecResult
{
    public readonly List<string> Ids = new();
    public readonly List<int> FirstCall = new();
    public readonly List<Violation> Violations = new();
    /// <summary>Thorough mode: what the judge classed as caller misuse or known upstream behaviour
    /// (not in <see cref="Ids"/> unless strict).</summary>
    public readonly List<(Violation Violation, Classification Class)> Excused = new();
    public bool Failed => Ids.Count > 0;
    /// <summary>The dedup key: the violated invariant id set, e.g. "I-V16,I-V3".</summary>
    public string Signature => string.Join(",", Ids);

    internal void Clear() { Ids.Clear(); FirstCall.Clear(); Violations.Clear(); Excused.Clear(); }

    internal void Add(Violation v, int call)
    {
        int i = Ids.BinarySearch(v.Id, StringComparer.Ordinal);
        if (i >= 0) return;
        Ids.Insert(~i, v.Id);
        FirstCall.Insert(~i, call);
        Violations.Add(v);
    }
}

/// <summary>
/// Runs fuzz programs on a fresh machine each time, the way ProgramRunner does (same argument
/// resolution, CPU choice and result binding, so a sequential failure replays with `irqverify run`),
/// but built for throughput: the reset is one swappable function, buffers are reused, and in the fast
/// mode only <see cref="PerStepChecks"/> run after each operation (after each step inside a parallel
/// group) while the whole catalogue runs once after the drain. Thorough mode checks every safety
/// invariant after every step. Every round is incremental (<see cref="IncrementalChecker"/>).
/// </summary>
public sealed class FuzzExecutor
{
    /// <param name="catalogue">The checks to run (default: the whole catalogue); verify passes the
    /// catalogue with the known findings excused to re-judge a reference-model failure.</param>
    public FuzzExecutor(OpTable table, Variants variants, IReadOnlyList<InvariantCheck>? catalogue = null)
    {
        Table = table;
        Variants = variants;
        Reset = RestoreBoot;
        var all = catalogue ?? InvariantCatalog.All;
        var safety = all.Where(c => c.Kind == InvariantKind.Safety).ToArray();
        _eventual = all.Where(c => c.Kind == InvariantKind.Eventual).ToArray();
        PerStepChecks = all.Where(c => c.Kind == InvariantKind.Safety && CheapIds.Contains(c.Id)).ToArray();
        _afterStep = OnStep;
        _incremental = new IncrementalChecker(safety);
        _incrementalCheap = new IncrementalChecker(PerStepChecks);
    }

    /// <summary>
    /// Safety invariants cheap enough to run after every operation in the fast mode (measured on the
    /// fuzz machine; the bench verb prints per-check costs). A fixed list, never a timing decision,
    /// so results stay deterministic.
    /// </summary>
    public static readonly HashSet<string> CheapIds = new(StringComparer.Ordinal)
    {
        "I-V9", "I-V10", "I-V11", "I-V12", "I-V13", "I-V14", "I-V19", "I-V20", "I-V21",
        "I-P6", "I-P7", "I-P10", "I-P12",
        "I-X1", "I-X7", "I-X9", "I-X10", "I-X12", "I-X13",
        "I-G2",
    };

    public OpTable Table { get; }
    public Variants Variants { get; }

    /// <summary>The reset strategy: returns a machine in the boot state (default: restore one machine
    /// from a snapshot taken right after boot, a few microseconds; `() => new Machine(...)` also works).</summary>
    public Func<Machine> Reset { get; set; }

    private Machine? _booted;
    private MachineSnapshot? _boot;

    /// <summary>Restores the same machine to its post-boot snapshot; the first call boots it.</summary>
    private Machine RestoreBoot()
    {
        if (_booted is null || _boot is null)
        {
            _booted = new Machine(Table.Machine, Variants);
            _boot = _booted.Snapshot();
            return _booted;
        }
        _booted.Restore(_boot);
        _booted.Decisions = FirstChoice.Instance;
        _booted.AfterStep = null;
        return _booted;
    }

    /// <summary>Domain features are recorded here when set.</summary>
    public DomainFeatures? Features { get; set; }

    /// <summary>Check every safety invariant after every atomic step and classify each violation
    /// with the run's <see cref="Judge"/> (replay/confirmation); the fast mode reports raw candidates.</summary>
    public bool Thorough { get; set; }

    /// <summary>In thorough mode, misuse and known findings fail too (<c>--strict</c>).</summary>
    public bool Strict { get; set; }

    private readonly Judge _judge = new();
    private readonly HashSet<Violation> _judged = new();

    public InvariantCheck[] PerStepChecks { get; }
    private readonly InvariantCheck[] _eventual;
    private readonly Action<ModelThread> _afterStep;
    /// <summary>Rounds of every safety check (thorough mode after each step; both modes at the end),
    /// and of the cheap ones (fast mode after each operation): each re-runs only the checks reading
    /// a part of the machine the step changed, and reports what the full round would.</summary>
    private readonly IncrementalChecker _incremental, _incrementalCheap;

    private readonly ExecResult _result = new();
    private readonly List<Violation> _scratch = new();
    private long[] _bound = new long[ByteFormat.MaxCalls];
    private Machine? _m;
    private int _call;
    private readonly ModelThread[] _threads = new ModelThread[ByteFormat.MaxGroup];
    private readonly OpResult[] _results = [new(), new(), new()];

    /// <summary>The machine of the last run (for dumps in reports).</summary>
    public Machine? LastMachine => _m;

    public long Execs { get; private set; }

    public ExecResult Run(FuzzProgram p)
    {
        Execs++;
        _result.Clear();
        if (Thorough) { _judge.Reset(); _judged.Clear(); }
        var m = _m = Reset();
        if (_bound.Length < p.Calls.Count) _bound = new long[p.Calls.Count];
        var checks = Thorough ? _incremental : _incrementalCheap;
        _call = 0;
        Check(m, checks, 0);
        m.AfterStep = Thorough ? _afterStep : null;
        int prevOp = 255;
        for (int i = 0; i < p.Calls.Count;)
        {
            var g = p.GroupOf(i);
            int diagBefore = m.Diagnostics.Count;
            _call = i;
            if (g is not null && g.First == i && g.Count >= 2)
            {
                RunGroup(m, p, g);
                for (int k = 0; k < g.Count; k++)
                {
                    Features?.Op(prevOp, p.Calls[i + k].Op, _results[k]);
                    prevOp = p.Calls[i + k].Op;
                }
                i += g.Count;
            }
            else
            {
                var c = p.Calls[i];
                var spec = Table.Ops[c.Op];
                var r = _results[0];
                r.Reset();
                var args = Resolve(c);
                m.Run(spec.Name, CpuOf(spec, args), spec.Body(m, args, r));
                _bound[i] = r.Ok ? r.Value : -1;
                Features?.Op(prevOp, c.Op, r);
                prevOp = c.Op;
                if (!Thorough) Check(m, checks, i);
                i++;
            }
            if (Features is not null)
            {
                var items = m.Diagnostics.Items;
                for (int d = diagBefore; d < items.Count; d++) Features.Diagnostic(prevOp, items[d]);
                Features.State(m);
            }
        }
        m.AfterStep = null;
        _call = p.Calls.Count;
        m.Drain();
        Check(m, _incremental, p.Calls.Count);
        Check(m, _eventual, p.Calls.Count);
        return _result;
    }

    private void RunGroup(Machine m, FuzzProgram p, FuzzGroup g)
    {
        int n = g.Count;
        for (int k = 0; k < n; k++)
        {
            var c = p.Calls[g.First + k];
            var spec = Table.Ops[c.Op];
            _results[k].Reset();
            var args = Resolve(c);
            _threads[k] = new ModelThread(k + 1, spec.Name, CpuOf(spec, args), spec.Body(m, args, _results[k]));
        }
        if (!Thorough) m.AfterStep = _afterStep;
        foreach (int s in g.Schedule)
        {
            int pick = -1;
            for (int d = 0; d < n; d++)
            {
                int k = (s + d) % n;
                if (Runnable(k, n, m)) { pick = k; break; }
            }
            if (pick < 0) break;
            _threads[pick].Step(m);
        }
        while (true)
        {
            int pick = -1;
            bool anyLeft = false;
            for (int k = 0; k < n; k++)
            {
                if (_threads[k].Done) continue;
                anyLeft = true;
                if (Runnable(k, n, m)) { pick = k; break; }
            }
            if (pick < 0)
            {
                if (anyLeft) m.Fatal("model.deadlock", "parallel group blocked with no enabled thread");
                break;
            }
            _threads[pick].Step(m);
        }
        if (!Thorough) m.AfterStep = null;
        for (int k = 0; k < n; k++)
        {
            _bound[g.First + k] = _results[k].Ok ? _results[k].Value : -1;
            _threads[k] = null!;
        }
    }

    /// <summary>A thread may step when enabled and no earlier unfinished thread of the group runs on
    /// the same CPU: one CPU executes one operation at a time (environment actors have no CPU).</summary>
    private bool Runnable(int k, int n, Machine m)
    {
        var t = _threads[k];
        if (!t.IsEnabled(m.Locks)) return false;
        if (t.Cpu < 0) return true;
        for (int j = 0; j < k; j++)
            if (!_threads[j].Done && _threads[j].Cpu == t.Cpu) return false;
        return true;
    }

    private void OnStep(ModelThread t)
    {
        Check(_m!, Thorough ? _incremental : _incrementalCheap, _call);
    }

    private OpArgs Resolve(FuzzCall c)
    {
        var values = new long[c.Values.Length];
        for (int a = 0; a < values.Length; a++) values[a] = c.Refs[a] >= 0 ? _bound[c.Refs[a]] : c.Values[a];
        return new OpArgs(values);
    }

    private static int CpuOf(OpSpec spec, OpArgs args) =>
        spec.CpuParam >= 0 ? (int)args[spec.CpuParam] : spec.IsEnvironment ? -1 : 0;

    private void Check(Machine m, IncrementalChecker checks, int call)
    {
        _scratch.Clear();
        checks.Check(m, _scratch);
        RecordFound(m, call);
    }

    private void Check(Machine m, InvariantCheck[] checks, int call)
    {
        _scratch.Clear();
        foreach (var c in checks) c.Check(m, _scratch);
        RecordFound(m, call);
    }

    /// <summary>Records what a round left in the scratch list (thorough mode: as the judge classes it).</summary>
    private void RecordFound(Machine m, int call)
    {
        foreach (var v in _scratch)
        {
            if (!Thorough) { _result.Add(v, call); continue; }
            if (!_judged.Add(v)) continue;
            var c = _judge.Classify(m, v);
            if (c.Fails(Strict)) _result.Add(v, call);
            else _result.Excused.Add((v, c));
        }
    }
}
