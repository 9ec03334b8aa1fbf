namespace IrqVerify.Explorer;

/// <summary>
/// Shrinks a failing decision log (what Coyote lacks): first fewer preemptions, then fewer steps,
/// keeping a failure that shares an id with the original. Candidates are the log cut at a
/// preemption (the non-preemptive default runs the rest), the log without one run of a thread
/// (its steps happen later, by default), and data choices reset to 0. Each candidate is replayed
/// tolerantly; the executed log of an accepted candidate becomes the new best. Greedy to a fixpoint.
/// </summary>
public static class Minimizer
{
    public static Failure Minimize(ScheduleRunner runner, Failure original, int maxReplays = 5000)
    {
        var best = original;
        int replays = 0;
        bool improved = true;
        while (improved && replays < maxReplays)
        {
            improved = false;
            foreach (var cand in Candidates(best.Log))
            {
                if (++replays > maxReplays) break;
                var (outcome, f, _) = Exploration.Replay(runner, cand);
                if (outcome != Outcome.Fail || f is null || !f.SameBugAs(original) || !Better(f, best)) continue;
                best = f;
                improved = true;
                break;
            }
        }
        return best;
    }

    /// <summary>Fewer preemptions first, then fewer scheduling steps, then fewer non-zero choices.</summary>
    public static bool Better(Failure a, Failure b)
    {
        if (a.Preemptions != b.Preemptions) return a.Preemptions < b.Preemptions;
        if (a.RunSteps != b.RunSteps) return a.RunSteps < b.RunSteps;
        return NonZeroChoices(a) < NonZeroChoices(b);
    }

    private static int NonZeroChoices(Failure f) => f.Log.Count(e => e.IsChoice && e.Value != 0);

    private static IEnumerable<List<LogEntry>> Candidates(IReadOnlyList<LogEntry> log)
    {
        // segments: maximal runs of scheduling entries of one thread (choices stay with their step)
        var starts = new List<int>();
        string? prev = null;
        for (int i = 0; i < log.Count; i++)
        {
            if (log[i].IsChoice) continue;
            if (log[i].Thread != prev) starts.Add(i);
            prev = log[i].Thread;
        }
        // 1. cut at each switch, latest first (keeps most of the schedule)
        for (int k = starts.Count - 1; k >= 1; k--)
            yield return log.Take(starts[k]).ToList();
        // 2. drop one segment
        for (int k = 0; k < starts.Count; k++)
        {
            int end = k + 1 < starts.Count ? starts[k + 1] : log.Count;
            var c = new List<LogEntry>(log.Count);
            for (int i = 0; i < log.Count; i++) if (i < starts[k] || i >= end) c.Add(log[i]);
            yield return c;
        }
        // 3. data choices back to the default
        for (int i = 0; i < log.Count; i++)
        {
            if (!log[i].IsChoice || log[i].Value == 0) continue;
            var c = log.ToList();
            c[i] = c[i] with { Value = 0 };
            yield return c;
        }
    }
}
