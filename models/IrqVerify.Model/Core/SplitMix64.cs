namespace IrqVerify.Model.Core;

/// <summary>
/// SplitMix64: the one seeded random generator of the project (decision sources, strategies,
/// generators, the fuzzer). Small, fast, and identical in every process for the same seed.
/// A mutable struct: pass it by ref.
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _s = seed;

    public ulong Next()
    {
        ulong z = _s += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, n); 0 when n ≤ 1. Always draws once, so a sequence of draws does not
    /// depend on the sizes asked for.</summary>
    public int Below(int n)
    {
        ulong r = Next();
        return n <= 1 ? 0 : (int)(r % (ulong)n);
    }

    public bool OneIn(int n) => Below(n) == 0;

    public byte Byte() => (byte)Next();
}
