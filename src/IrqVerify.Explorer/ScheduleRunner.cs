using IrqVerify.Explorer.Strategies;
using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Verdict;

namespace IrqVerify.Explorer;

/// <summary>How one schedule ended.</summary>
public enum Outcome { Pass, Fail, Pruned }

/// <summary>
/// The controlled scheduler: runs one schedule of a scenario at a time. It resets the machine, turns
/// each scenario thread into a <see cref="ModelThread"/>, and at every scheduling point asks the
/// strategy which enabled thread steps next; the model's own choices (<see cref="IDecisionSource"/>)
/// go to the same strategy. Safety invariants and fatal diagnostics are checked after every step,
/// eventual invariants after the drain at quiescence; the step bound turns a livelock into a
/// liveness failure. Every decision lands in one log. Buffers are reused across schedules.
/// </summary>
public sealed class ScheduleRunner : IDecisionSource, ISchedulerView
{
    private readonly Scenario _s;
    private readonly IScenarioReset _reset;
    private readonly InvariantCheck[] _safety;
    private readonly InvariantCheck[] _eventual;
    private readonly int _bound;
    private readonly long[] _vars;
    private readonly ThreadState[] _ts;
    private readonly ModelThread[] _threads;
    private readonly int[] _enabled;
    private readonly ulong[] _keyBuf;
    private readonly List<Violation> _scratch = new();
    private readonly List<LogEntry> _log = new(256);
    private IStrategy _strategy = null!;
    private Machine _m = null!;
    private int _stepping = -1;
    private bool _needKeys;
    /// <summary>Rolling hash of this schedule's decisions so far. The model is deterministic given
    /// its decisions, so equal prefixes mean equal states: a prefix whose state passed the checks
    /// once is not checked again (schedules of a search share most of their prefixes).</summary>
    private ulong _prefix;
    private readonly HashSet<ulong>? _clean;
    private readonly IncrementalChecker _incremental;
    /// <summary>The state hash per step, rehashing only the parts the step changed.</summary>
    private readonly IncrementalStateHash _stateHash = new();
    private readonly Judge _judge = new();
    private readonly HashSet<Violation> _excused = new();
    private readonly List<(Violation Violation, Classification Class)> _excusedList = new();
    private const int MaxMemo = 4_000_000;

    public ScheduleRunner(Scenario scenario, Variants variants, IScenarioReset? reset = null, int? stepBound = null, bool memoizeChecks = true)
    {
        if (memoizeChecks) _clean = new HashSet<ulong>();
        _s = scenario;
        Variants = variants;
        _reset = reset ?? new SnapshotReset(scenario, variants);
        _safety = InvariantCatalog.All.Where(c => c.Kind == InvariantKind.Safety).ToArray();
        _incremental = new IncrementalChecker(_safety);
        _eventual = InvariantCatalog.All.Where(c => c.Kind == InvariantKind.Eventual).ToArray();
        _bound = stepBound ?? scenario.StepBound;
        _vars = new long[scenario.Variables.Count];
        int n = scenario.Threads.Count;
        _ts = new ThreadState[n];
        for (int i = 0; i < n; i++) _ts[i] = new ThreadState();
        _threads = new ModelThread[n];
        _enabled = new int[n];
        _keyBuf = new ulong[n];
    }

    public Scenario Scenario => _s;
    public Variants Variants { get; }
    /// <summary>The last schedule's decisions (valid until the next run).</summary>
    public IReadOnlyList<LogEntry> Log => _log;
    /// <summary>The machine of the last schedule (for dumps after a replay).</summary>
    public Machine Machine => _m;
    /// <summary>Receives the machine's trace during the run (replay's timeline); null in searches.</summary>
    public ITraceSink? Trace { get; set; }
    /// <summary>Called before each step with the thread about to run (the timeline records rows).</summary>
    public Action<int, string>? BeforeStep { get; set; }

    public int Step { get; private set; }
    public int Current { get; private set; }
    public int Preemptions { get; private set; }
    public int ThreadCount => _threads.Length;
    public Failure? LastFailure { get; private set; }
    /// <summary>Misuse and known findings fail too (<c>--strict</c>).</summary>
    public bool Strict { get; set; }
    /// <summary>What the judge classed as caller misuse or known upstream behaviour in the last schedule.</summary>
    public IReadOnlyList<(Violation Violation, Classification Class)> Excused => _excusedList;
    /// <summary>Check passes run / skipped because the same decision prefix passed before.</summary>
    public long ChecksRun { get; private set; }
    public long ChecksSkipped { get; private set; }

    /// <summary>Runs one schedule under <paramref name="strategy"/> (its NextIteration already called).</summary>
    public Outcome Run(IStrategy strategy)
    {
        Reset(strategy);
        var outcome = Loop();
        strategy.EndIteration(Step);
        return outcome;
    }

    // ---------------------------------------------------------------- external drivers

    /// <summary>
    /// Starts a schedule driven from outside (the Coyote engine): the driver decides which thread
    /// steps (<see cref="StepThread"/>), <paramref name="strategy"/> answers only the model's choices.
    /// Returns the outcome if the schedule ends before any step (nothing can run), else null.
    /// </summary>
    public Outcome? Begin(IStrategy strategy)
    {
        Reset(strategy);
        return Boundary(CollectEnabled()) is { } o ? End(o) : null;
    }

    /// <summary>May thread <paramref name="thread"/> take its next step now (the same rule the native loop uses)?</summary>
    public bool IsRunnable(int thread)
    {
        var t = _threads[thread];
        return t.IsEnabled(_m.Locks) && !(_s.ExclusiveCpus && t.Cpu >= 0 && CpuBusy(thread, t.Cpu));
    }

    public bool IsDone(int thread) => _threads[thread].Done;

    /// <summary>
    /// Runs one step of <paramref name="thread"/> (runnable) with the native loop's checks. Null while
    /// the schedule goes on (or every thread is done: call <see cref="Finish"/>); else how it ended.
    /// </summary>
    public Outcome? StepThread(int thread)
    {
        int n = CollectEnabled();
        if (Advance(thread, n) is { } f) return End(f);
        n = CollectEnabled();
        if (n == 0 && AllDone()) return null;
        return Boundary(n) is { } o ? End(o) : null;
    }

    /// <summary>Every thread is done: the drain and the checks at quiescence.</summary>
    public Outcome Finish()
    {
        var o = Quiescence(ref _diags);
        return End(o);
    }

    private Outcome End(Outcome o)
    {
        _strategy.EndIteration(Step);
        return o;
    }

    // ---------------------------------------------------------------- the native loop

    private int _diags;

    private void Reset(IStrategy strategy)
    {
        _strategy = strategy;
        _needKeys = strategy.NeedsStateKeys;
        _log.Clear();
        LastFailure = null;
        if (_excused.Count > 0) { _excused.Clear(); _excusedList.Clear(); }
        _judge.Reset();
        Step = 0;
        Current = -1;
        Preemptions = 0;
        _prefix = 0x1F2E3D4C5B6A7988UL;
        _m = _reset.Reset(_vars, Trace);
        _m.Decisions = this;
        for (int i = 0; i < _threads.Length; i++)
        {
            _ts[i].Reset();
            var t = _s.Threads[i];
            _threads[i] = new ModelThread(i + 1, t.Name, t.Cpu, Body(_m, t, _ts[i]));
        }
        _diags = _m.Diagnostics.Count;
    }

    private Outcome Loop()
    {
        while (true)
        {
            int n = CollectEnabled();
            if (Boundary(n) is { } end) return end;
            int pick = _strategy.PickThread(this, _enabled.AsSpan(0, n));
            if (pick < 0) return Outcome.Pruned;
            if (Advance(_enabled[pick], n) is { } f) return f;
        }
    }

    /// <summary>Before a pick among <paramref name="n"/> enabled threads: quiescence, deadlock or the step bound.</summary>
    private Outcome? Boundary(int n)
    {
        if (n == 0)
        {
            if (AllDone()) return Quiescence(ref _diags);
            return Fail(FailureKind.Deadlock, ["DEADLOCK"], [BlockedText()]);
        }
        if (Step >= _bound)
            return Fail(FailureKind.Liveness, ["LIVENESS"], [$"no quiescence within {_bound} steps (livelock?)"]);
        return null;
    }

    /// <summary>Runs one step of thread <paramref name="ti"/> (one of the <paramref name="n"/> in _enabled) and the checks after it.</summary>
    private Outcome? Advance(int ti, int n)
    {
        if (Current >= 0 && ti != Current && Array.IndexOf(_enabled, Current, 0, n) >= 0) Preemptions++;
        var th = _threads[ti];
        _log.Add(LogEntry.Run(th.Name, th.Pending.Point));
        _prefix = Mix(_prefix, (ulong)ti + 1);
        BeforeStep?.Invoke(ti, th.Pending.Point);
        var st = _ts[ti];
        if (_needKeys)
        {
            if (st.AtBoundary) { st.Hist = 0; st.AtBoundary = false; }
            st.Hist = Mix(st.Hist, _stateHash.Hash(_m));
        }
        _stepping = ti;
        th.Step(_m);
        _stepping = -1;
        Step++;
        Current = ti;
        if (CheckFatal(ref _diags) is { } f) return f;
        if (CheckSafety() is { } s) return s;
        return null;
    }

    private Outcome Quiescence(ref int diags)
    {
        bool drained = _m.Drain();
        if (!drained) return Fail(FailureKind.Liveness, ["model.drain"], ["the drain did not reach quiescence (livelock)"]);
        if (CheckFatal(ref diags) is { } f) return f;
        _prefix = Mix(_prefix, 0xE7E47UL);
        if (_clean is not null && _clean.Contains(_prefix)) { ChecksSkipped++; return Outcome.Pass; }
        if (CheckSafety(remember: false) is { } s) return s;
        _scratch.Clear();
        foreach (var c in _eventual) c.Check(_m, _scratch);
        if (_scratch.Count > 0 && FailWith(FailureKind.Eventual, _scratch) is { } e) return e;
        if (_excused.Count == 0) Remember();
        return Outcome.Pass;
    }

    private Outcome? CheckFatal(ref int diags)
    {
        var items = _m.Diagnostics.Items;
        List<string>? ids = null, msgs = null;
        for (; diags < items.Count; diags++)
        {
            var d = items[diags];
            if (d.Severity != Severity.Fatal) continue;
            (ids ??= new()).Add(d.Rule);
            (msgs ??= new()).Add(d.ToString());
        }
        return ids is null ? null : Fail(FailureKind.Fatal, ids.Distinct().ToList(), msgs!);
    }

    private Outcome? CheckSafety(bool remember = true)
    {
        if (remember && _clean is not null && _clean.Contains(_prefix)) { ChecksSkipped++; return null; }
        ChecksRun++;
        _scratch.Clear();
        // After a step, only what it can have changed is re-checked; at quiescence every check runs.
        if (remember) _incremental.Check(_m, _scratch);
        else foreach (var c in _safety) c.Check(_m, _scratch);
        if (_scratch.Count > 0 && FailWith(FailureKind.Safety, _scratch) is { } f) return f;
        // A prefix after an excused finding is not memoized: the judge's view of the run (F1's
        // entries) lives outside the decision prefix.
        if (remember && _excused.Count == 0) Remember();
        return null;
    }

    private void Remember()
    {
        if (_clean is not null && _clean.Count < MaxMemo) _clean.Add(_prefix);
    }

    /// <summary>Fails the schedule with the violations the judge says fail; null when every one of
    /// them is excused (caller misuse, known upstream behaviour) and the schedule goes on.</summary>
    private Outcome? FailWith(FailureKind kind, List<Violation> vs)
    {
        List<string>? ids = null, msgs = null;
        foreach (var v in vs)
        {
            if (_excused.Contains(v)) continue;
            var c = _judge.Classify(_m, v);
            if (!c.Fails(Strict))
            {
                _excused.Add(v);
                _excusedList.Add((v, c));
                continue;
            }
            ids ??= new(); msgs ??= new();
            if (!ids.Contains(v.Id)) ids.Add(v.Id);
            msgs.Add(c.Class == FindingClass.Violation ? v.ToString() : $"{c.Label} {v}");
        }
        return ids is null ? null : Fail(kind, ids, msgs!);
    }

    private Outcome Fail(FailureKind kind, List<string> ids, List<string> messages)
    {
        LastFailure = new Failure { Kind = kind, Ids = ids, Messages = messages, Step = Step, Log = _log.ToArray(), Preemptions = Preemptions };
        return Outcome.Fail;
    }

    private int CollectEnabled()
    {
        int n = 0;
        var locks = _m.Locks;
        for (int i = 0; i < _threads.Length; i++)
        {
            var t = _threads[i];
            if (!t.IsEnabled(locks)) continue;
            if (_s.ExclusiveCpus && t.Cpu >= 0 && CpuBusy(i, t.Cpu)) continue;
            _enabled[n++] = i;
        }
        return n;
    }

    /// <summary>Another started, unfinished thread holds this CPU.</summary>
    private bool CpuBusy(int self, int cpu)
    {
        for (int j = 0; j < _threads.Length; j++)
        {
            if (j == self) continue;
            var o = _threads[j];
            if (o.Cpu == cpu && !o.Done && o.StepsTaken > 0) return true;
        }
        return false;
    }

    private bool AllDone()
    {
        foreach (var t in _threads) if (!t.Done) return false;
        return true;
    }

    private string BlockedText() =>
        "no thread can step: " + string.Join("; ", _threads.Where(t => !t.Done).Select(t => $"{t.Name} at {t.Pending}"));

    // ---------------------------------------------------------------- decisions

    int IDecisionSource.Choose(string label, int count)
    {
        if (count <= 1) return 0;
        int v = _strategy.PickChoice(this, label, count);
        if ((uint)v >= (uint)count) v = 0;
        _log.Add(LogEntry.Choice(label, v, count));
        _prefix = Mix(_prefix, ((ulong)v + 1) << 32);
        if (_needKeys && _stepping >= 0) _ts[_stepping].Hist = Mix(_ts[_stepping].Hist, (ulong)v + 1);
        return v;
    }

    // ---------------------------------------------------------------- keys

    public ulong StateKey()
    {
        var h = new StateHasher();
        h.Add(_stateHash.Hash(_m));
        foreach (long v in _vars) h.Add(v);
        for (int i = 0; i < _threads.Length; i++) _keyBuf[i] = Mix((ulong)_s.Threads[i].SymmetryClass + 1, PositionKey(i));
        Array.Sort(_keyBuf);
        foreach (ulong k in _keyBuf) h.Add(k);
        return h.Value;
    }

    public ulong PositionKey(int thread)
    {
        var t = _threads[thread];
        var st = _ts[thread];
        if (t.Done) return 0xD0E;
        ulong k = Mix((ulong)st.OpIndex + 1, (ulong)t.StepsTaken);
        k = Mix(k, st.AtBoundary ? 1UL : st.Hist);
        return k;
    }

    public int SymmetryClass(int thread) => _s.Threads[thread].SymmetryClass;

    private static ulong Mix(ulong a, ulong b)
    {
        ulong z = a * 0x9E3779B97F4A7C15UL ^ (b + 0x632BE59BD9B4E019UL + (a << 6) + (a >> 2));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    // ---------------------------------------------------------------- thread bodies

    /// <summary>Where a thread is, beyond its pending point: the operation and the history of the
    /// states its current operation stepped in (iterator locals are a function of those).</summary>
    private sealed class ThreadState
    {
        public int OpIndex;
        public bool AtBoundary;
        public ulong Hist;
        public void Reset() { OpIndex = 0; AtBoundary = false; Hist = 0; }
    }

    /// <summary>The thread's operations in order; a scheduling point between two operations.</summary>
    private IEnumerable<Sched> Body(Machine m, ScenarioThread t, ThreadState st)
    {
        var ops = t.Ops;
        for (int i = 0; i < ops.Length; i++)
        {
            var op = ops[i];
            if (i > 0)
            {
                st.AtBoundary = true;
                yield return Sched.At(op.Spec.Name);
            }
            st.OpIndex = i;
            var r = new OpResult();
            foreach (var s in op.Spec.Body(m, op.Resolve(_vars), r)) yield return s;
            if (op.BindSlot >= 0) _vars[op.BindSlot] = r.Ok ? r.Value : -1;
        }
    }
}
