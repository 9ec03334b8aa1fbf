using System.Numerics;

namespace IrqVerify.Model.Core;

/// <summary>
/// Incremental FNV-1a (64-bit) over the canonical encoding of a state. Stable across processes
/// and runs (never string.GetHashCode), so state caches and fuzz corpora can rely on it.
/// </summary>
public struct StateHasher
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;
    private ulong _h;
    private bool _started;

    public readonly ulong Value => _started ? _h : Offset;

    public void Add(ulong v)
    {
        if (!_started) { _h = Offset; _started = true; }
        for (int i = 0; i < 8; i++)
        {
            _h ^= (byte)(v >> (i * 8));
            _h *= Prime;
        }
    }

    /// <summary>Exactly <paramref name="count"/> × Add(0UL): FNV-1a xors each byte in (a no-op for a
    /// zero byte) and multiplies by the prime, so a run of zero words is one multiplication by
    /// prime^(8·count), computed by squaring.</summary>
    public void AddZeros(int count)
    {
        if (count <= 0) return;
        if (!_started) { _h = Offset; _started = true; }
        ulong f = 1, b = Prime;
        for (ulong e = 8UL * (ulong)count; e != 0; e >>= 1)
        {
            if ((e & 1) != 0) f *= b;
            b *= b;
        }
        _h *= f;
    }

    /// <summary>
    /// The values that differ from <paramref name="background"/> as (index, value) pairs, then the
    /// length. For arrays of one fixed length (a machine's bitmaps and tables) this encodes the array
    /// as uniquely as adding every value, and a mostly-background array costs one vectorized scan
    /// instead of eight multiplications per value.
    /// </summary>
    public void AddSparse<T>(ReadOnlySpan<T> values, T background) where T : unmanaged, IBinaryInteger<T>
    {
        for (int i = 0; ; i++)
        {
            int k = values[i..].IndexOfAnyExcept(background);
            if (k < 0) break;
            i += k;
            Add(i); Add(ulong.CreateTruncating(values[i]));
        }
        Add(values.Length);
    }

    public void Add(long v) => Add((ulong)v);
    public void Add(int v) => Add((ulong)(uint)v);
    public void Add(bool v) => Add(v ? 1UL : 0UL);

    public void Add(string s)
    {
        Add(s.Length);
        foreach (char c in s) Add((ulong)c);
    }
}
