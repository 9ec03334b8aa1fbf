namespace IrqVerify.Explorer.Strategies;

/// <summary>
/// Forces a recorded decision log. Tolerant, so a log survives small model changes and serves the
/// minimizer: a scheduling entry whose thread is not enabled, or any point past the end of the log,
/// falls back to the non-preemptive default (keep the current thread, else the lowest enabled one);
/// data choices are matched by label in order, 0 when absent.
/// </summary>
public sealed class ReplayStrategy : IStrategy
{
    private readonly string[] _runs;
    private readonly (string Label, int Value)[] _choices;
    private readonly Func<string, int> _threadIndex;
    private int _nextRun, _nextChoice;

    public ReplayStrategy(IEnumerable<LogEntry> log, Scenario scenario)
    {
        var entries = log.ToList();
        _runs = entries.Where(e => !e.IsChoice).Select(e => e.Thread).ToArray();
        _choices = entries.Where(e => e.IsChoice).Select(e => (e.Label!, e.Value)).ToArray();
        var names = scenario.Threads.Select(t => t.Name).ToList();
        _threadIndex = n => names.IndexOf(n);
    }

    public string Name => "replay";
    /// <summary>Scheduling entries that could not be followed in the last run.</summary>
    public int Divergences { get; private set; }

    public bool NextIteration()
    {
        _nextRun = _nextChoice = 0;
        Divergences = 0;
        return true;
    }

    public int PickThread(ISchedulerView view, ReadOnlySpan<int> enabled)
    {
        if (_nextRun < _runs.Length)
        {
            int t = _threadIndex(_runs[_nextRun++]);
            int i = t < 0 ? -1 : enabled.IndexOf(t);
            if (i >= 0) return i;
            Divergences++;
        }
        return DefaultPick.Of(view, enabled);
    }

    public int PickChoice(ISchedulerView view, string label, int count)
    {
        for (int i = _nextChoice; i < _choices.Length; i++)
        {
            if (_choices[i].Label != label) continue;
            _nextChoice = i + 1;
            int v = _choices[i].Value;
            return v < count ? v : 0;
        }
        return 0;
    }

    public void EndIteration(int steps) { }
}
