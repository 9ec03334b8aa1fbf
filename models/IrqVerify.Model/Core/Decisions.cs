namespace IrqVerify.Model.Core;

/// <summary>
/// The one source of every nondeterministic choice the model makes (which CPU the hardware picks,
/// whether a device samples a half-written message, ...). Engines inject their own (a strategy,
/// a replayed log, fuzz bytes). Choices are identified by a stable label, never by a number, so
/// logs survive small model changes.
/// </summary>
public interface IDecisionSource
{
    /// <summary>Returns a value in [0, count). Requires count ≥ 1.</summary>
    int Choose(string label, int count);
}

/// <summary>Always takes the first alternative: the deterministic default of sequential runs.</summary>
public sealed class FirstChoice : IDecisionSource
{
    public static readonly FirstChoice Instance = new();
    public int Choose(string label, int count) => 0;
}

/// <summary>A seeded source (SplitMix64), identical in every process for the same seed.</summary>
public sealed class SeededChoice(ulong seed) : IDecisionSource
{
    private SplitMix64 _rng = new(seed);

    public int Choose(string label, int count) => _rng.Below(count);

    public ulong Next() => _rng.Next();
}

/// <summary>One recorded choice.</summary>
public readonly record struct Decision(string Label, int Count, int Value)
{
    public override string ToString() => $"{Label} = {Value}/{Count}";
}

/// <summary>Wraps a source and records every choice, in order, for replay.</summary>
public sealed class RecordingChoice(IDecisionSource inner) : IDecisionSource
{
    public List<Decision> Log { get; } = new();

    public int Choose(string label, int count)
    {
        int v = inner.Choose(label, count);
        Log.Add(new Decision(label, count, v));
        return v;
    }
}

/// <summary>Replays a recorded log; past its end (or on a label mismatch) it falls back to the first choice.</summary>
public sealed class ReplayChoice(IReadOnlyList<Decision> log) : IDecisionSource
{
    private int _next;

    public int Choose(string label, int count)
    {
        if (_next < log.Count)
        {
            var d = log[_next++];
            if (d.Label == label && d.Value < count) return d.Value;
        }
        return 0;
    }
}
