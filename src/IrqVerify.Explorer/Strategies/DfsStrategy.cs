namespace IrqVerify.Explorer.Strategies;

/// <summary>
/// Exhaustive depth-first search over every decision (which thread steps, and the model's data
/// choices), replaying the decision prefix from a reset for each schedule (stateless, as CHESS and
/// loom do), with three reductions:
/// <list type="bullet">
/// <item>an optional preemption bound (CHESS's context bounding): switching away from a thread that
/// could continue costs one preemption; at the bound only the current thread may continue;</item>
/// <item>state caching: a scheduling point whose canonical key (model state, locks, variables,
/// thread positions) was already reached with no more preemptions spent is not explored again;</item>
/// <item>symmetry: of several interchangeable threads at the same position only the first is tried.</item>
/// </list>
/// The current thread is always the first option, so the first schedule is the non-preemptive one.
/// When <see cref="NextIteration"/> returns false the space within the bound is exhausted.
/// </summary>
public sealed class DfsStrategy(int? preemptionBound = null, bool cache = true, bool symmetry = true) : IStrategy
{
    private struct Node
    {
        public int Index;
        public int Count;
        public int[]? Options;
    }

    private readonly List<Node> _stack = new();
    private readonly Dictionary<ulong, int> _visited = new();
    private int _depth;
    private bool _started;

    public string Name => "dfs" + (preemptionBound is { } b ? $"(preemptions ≤ {b})" : "");
    public bool NeedsStateKeys => cache || symmetry;
    /// <summary>Distinct states reached at scheduling points (with caching on).</summary>
    public int States => _visited.Count;
    /// <summary>Schedules abandoned at an already explored state.</summary>
    public long Pruned { get; private set; }
    /// <summary>Replays that did not see the recorded enabled set (a nondeterministic reset).</summary>
    public long Divergences { get; private set; }
    public int MaxDepth { get; private set; }

    public bool NextIteration()
    {
        _depth = 0;
        if (!_started) { _started = true; return true; }
        while (_stack.Count > 0)
        {
            var top = _stack[^1];
            if (top.Index + 1 < top.Count)
            {
                top.Index++;
                _stack[^1] = top;
                return true;
            }
            _stack.RemoveAt(_stack.Count - 1);
        }
        return false;
    }

    public int PickThread(ISchedulerView view, ReadOnlySpan<int> enabled)
    {
        if (_depth < _stack.Count)
        {
            var node = _stack[_depth++];
            int i = node.Options is null ? -1 : enabled.IndexOf(node.Options[node.Index]);
            if (i < 0) { Divergences++; return 0; }
            return i;
        }
        if (cache)
        {
            ulong key = view.StateKey();
            if (_visited.TryGetValue(key, out int spent) && spent <= view.Preemptions)
            {
                Pruned++;
                return -1;
            }
            _visited[key] = view.Preemptions;
        }
        var options = Options(view, enabled);
        Push(options.Length, options);
        return enabled.IndexOf(options[0]);
    }

    public int PickChoice(ISchedulerView view, string label, int count)
    {
        if (_depth < _stack.Count)
        {
            var node = _stack[_depth++];
            return node.Options is null && node.Index < count ? node.Index : 0;
        }
        Push(count, null);
        return 0;
    }

    public void EndIteration(int steps) { }

    private void Push(int count, int[]? options)
    {
        _stack.Add(new Node { Index = 0, Count = count, Options = options });
        _depth++;
        if (_stack.Count > MaxDepth) MaxDepth = _stack.Count;
    }

    private int[] Options(ISchedulerView view, ReadOnlySpan<int> enabled)
    {
        int cur = view.Current;
        bool curEnabled = enabled.IndexOf(cur) >= 0;
        bool mayPreempt = !curEnabled || preemptionBound is null || view.Preemptions < preemptionBound;
        var list = new List<int>(enabled.Length);
        if (curEnabled) list.Add(cur);
        if (!mayPreempt) return [.. list];
        int firstOther = list.Count;
        foreach (int t in enabled)
        {
            if (t == cur) continue;
            if (symmetry && HasTwin(view, list, firstOther, t)) continue;
            list.Add(t);
        }
        return [.. list];
    }

    /// <summary>An interchangeable thread at the same position is already an option.</summary>
    private static bool HasTwin(ISchedulerView view, List<int> list, int from, int t)
    {
        for (int i = from; i < list.Count; i++)
            if (view.SymmetryClass(list[i]) == view.SymmetryClass(t) && view.PositionKey(list[i]) == view.PositionKey(t))
                return true;
        return false;
    }
}
