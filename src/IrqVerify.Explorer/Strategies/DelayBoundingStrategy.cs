namespace IrqVerify.Explorer.Strategies;

/// <summary>
/// Delay-bounded scheduling (Emmi, Qadeer, Rakamarić, POPL 2011): a deterministic non-preemptive
/// scheduler (keep the current thread, else round-robin) plus at most d delays placed at random
/// steps; a delay skips the thread the deterministic scheduler would run in favour of the next one.
/// </summary>
public sealed class DelayBoundingStrategy : IStrategy
{
    private Rng _rng;
    private readonly int _delays;
    private readonly List<int> _points = new();
    private int _k = 32;

    public DelayBoundingStrategy(ulong seed, int delays)
    {
        _rng = new Rng(seed);
        _delays = Math.Max(0, delays);
    }

    public string Name => $"delay({_delays})";

    public bool NextIteration()
    {
        _points.Clear();
        int n = _rng.Below(_delays + 1);
        if (n == 0 && _delays > 0) n = 1;
        for (int i = 0; i < n; i++) _points.Add(_rng.Below(_k));
        return true;
    }

    public int PickThread(ISchedulerView view, ReadOnlySpan<int> enabled)
    {
        int pick = DefaultPick.Of(view, enabled);
        foreach (int p in _points)
            if (p == view.Step) pick = DefaultPick.NextAfter(enabled, enabled[pick]);
        return pick;
    }

    public int PickChoice(ISchedulerView view, string label, int count) => _rng.Below(count);

    public void EndIteration(int steps) { if (steps > _k) _k = steps; }
}
