namespace IrqVerify.Testing;

/// <summary>
/// SplitMix64: a small deterministic random source for generators (same seed → same program in
/// any process). FsCheck draws one seed per case and the generators expand it, so the fuzzer can
/// use the same generators without FsCheck.
/// </summary>
public sealed class Rng(ulong seed)
{
    private IrqVerify.Model.Core.SplitMix64 _g = new(seed);

    public ulong NextUInt64() => _g.Next();

    /// <summary>Uniform in [0, n); n must be positive.</summary>
    public int Next(int n) => (int)(NextUInt64() % (ulong)n);

    /// <summary>Uniform in [lo, hi] inclusive.</summary>
    public int Range(int lo, int hi) => lo + Next(hi - lo + 1);

    /// <summary>True with probability <paramref name="percent"/>/100.</summary>
    public bool Chance(int percent) => Next(100) < percent;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Index chosen with the given non-negative weights (at least one positive).</summary>
    public int Weighted(ReadOnlySpan<int> weights)
    {
        int total = 0;
        foreach (int w in weights) total += w;
        int r = Next(total);
        for (int i = 0; i < weights.Length; i++)
        {
            if (r < weights[i]) return i;
            r -= weights[i];
        }
        return weights.Length - 1;
    }
}
