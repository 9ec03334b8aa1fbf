namespace IrqVerify.Explorer.Strategies;

/// <summary>
/// PCT (Burckhardt et al., ASPLOS 2010) with depth d: each schedule gives the threads random distinct
/// priorities and picks d−1 change points among the steps (k = the longest schedule seen so far); it
/// always runs the highest-priority enabled thread, and at the i-th change point drops the running
/// thread's priority below every initial one. Finds a bug of depth d with probability ≥ 1/(n·k^(d−1)).
/// </summary>
public sealed class PctStrategy : IStrategy
{
    private Rng _rng;
    private readonly int _depth;
    private int[] _prio = [];
    private readonly List<int> _changes = new();
    private int _k = 32;

    public PctStrategy(ulong seed, int depth)
    {
        _rng = new Rng(seed);
        _depth = Math.Max(1, depth);
    }

    public string Name => $"pct({_depth})";

    public bool NextIteration()
    {
        _changes.Clear();
        for (int i = 0; i < _depth - 1; i++)
        {
            int c = _rng.Below(_k);
            if (!_changes.Contains(c)) _changes.Add(c);
        }
        _prio = [];
        return true;
    }

    public int PickThread(ISchedulerView view, ReadOnlySpan<int> enabled)
    {
        if (_prio.Length != view.ThreadCount) InitPriorities(view.ThreadCount);
        int best = Highest(enabled);
        int change = _changes.IndexOf(view.Step);
        if (change >= 0)
        {
            _prio[enabled[best]] = change;   // below every initial priority (those start at depth)
            best = Highest(enabled);
        }
        return best;
    }

    public int PickChoice(ISchedulerView view, string label, int count) => _rng.Below(count);

    public void EndIteration(int steps) { if (steps > _k) _k = steps; }

    private void InitPriorities(int n)
    {
        _prio = new int[n];
        for (int i = 0; i < n; i++) _prio[i] = _depth + i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = _rng.Below(i + 1);
            (_prio[i], _prio[j]) = (_prio[j], _prio[i]);
        }
    }

    private int Highest(ReadOnlySpan<int> enabled)
    {
        int best = 0;
        for (int i = 1; i < enabled.Length; i++)
            if (_prio[enabled[i]] > _prio[enabled[best]]) best = i;
        return best;
    }
}
