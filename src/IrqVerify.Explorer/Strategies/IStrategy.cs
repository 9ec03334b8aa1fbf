namespace IrqVerify.Explorer.Strategies;

/// <summary>
/// What a strategy may look at when deciding (the scheduler side of Coyote's split): the step, the
/// thread that ran last, preemptions so far, and — for exhaustive search — canonical state keys.
/// </summary>
public interface ISchedulerView
{
    /// <summary>Steps taken in this schedule.</summary>
    int Step { get; }
    /// <summary>The thread that ran the previous step (-1 before the first).</summary>
    int Current { get; }
    /// <summary>Context switches away from a thread that could have continued.</summary>
    int Preemptions { get; }
    int ThreadCount { get; }
    /// <summary>Canonical hash of model state, locks, variables and thread positions (symmetric threads sorted).</summary>
    ulong StateKey();
    /// <summary>Thread position: operation, steps taken, history of the current operation.</summary>
    ulong PositionKey(int thread);
    /// <summary>Threads with equal class run the same operations on interchangeable CPUs.</summary>
    int SymmetryClass(int thread);
}

/// <summary>
/// A scheduling strategy: at every scheduling point it picks which enabled thread runs, and it
/// answers every other nondeterministic choice of the model. One instance drives many schedules.
/// </summary>
public interface IStrategy
{
    string Name { get; }

    /// <summary>Prepares the next schedule; false when there is nothing left to explore.</summary>
    bool NextIteration();

    /// <summary>
    /// Index into <paramref name="enabled"/> (thread indices, ascending, never empty) of the thread
    /// to run; -1 to abandon the schedule here (an exhaustive search reached a state it has seen).
    /// </summary>
    int PickThread(ISchedulerView view, ReadOnlySpan<int> enabled);

    /// <summary>A value in [0, count) for the model's choice <paramref name="label"/> (count ≥ 2).</summary>
    int PickChoice(ISchedulerView view, string label, int count);

    /// <summary>The schedule ended after <paramref name="steps"/> steps.</summary>
    void EndIteration(int steps);

    /// <summary>Does the strategy use <see cref="ISchedulerView.StateKey"/> (costs a state hash per step)?</summary>
    bool NeedsStateKeys => false;
}

/// <summary>The non-preemptive default: keep running the current thread while it can, else the lowest enabled one.</summary>
public static class DefaultPick
{
    public static int Of(ISchedulerView view, ReadOnlySpan<int> enabled)
    {
        int i = enabled.IndexOf(view.Current);
        return i >= 0 ? i : 0;
    }

    /// <summary>Round-robin successor of thread <paramref name="after"/> among the enabled ones.</summary>
    public static int NextAfter(ReadOnlySpan<int> enabled, int after)
    {
        for (int i = 0; i < enabled.Length; i++) if (enabled[i] > after) return i;
        return 0;
    }
}
