namespace IrqVerify.Conformance.Differential;

/// <summary>
/// Shrinks a diverging sequence: drops everything after the divergence, then removes chunks of calls
/// (halves, quarters, ... single calls) as long as the replay still diverges, until no single call
/// can go. Calls carry all their arguments, so every subsequence is a valid replay.
/// </summary>
public static class SequenceMinimizer
{
    public static Divergence Minimize(MatrixDifferential diff, Divergence d)
    {
        var best = d;
        bool progress = true;
        while (progress)
        {
            progress = false;
            for (int chunk = Math.Max(best.Calls.Count / 2, 1); chunk >= 1; chunk /= 2)
            {
                for (int start = 0; start + chunk <= best.Calls.Count;)
                {
                    var candidate = best.Calls.Take(start).Concat(best.Calls.Skip(start + chunk)).ToList();
                    var r = candidate.Count == 0 ? null : diff.Replay(best.Geometry, candidate).Divergence;
                    if (r is not null && r.Calls.Count < best.Calls.Count)
                    {
                        best = r;
                        progress = true;
                    }
                    else start += chunk;
                }
            }
        }
        return best;
    }
}
