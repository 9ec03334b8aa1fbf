namespace IrqVerify.Fuzz;

/// <summary>SplitMix64: the fuzzer's only randomness, seeded, identical in every process.</summary>
public struct Rng(ulong seed)
{
    private ulong _s = seed;

    public ulong Next()
    {
        ulong z = _s += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, n); n ≥ 1.</summary>
    public int Below(int n) => (int)(Next() % (ulong)n);

    public bool OneIn(int n) => Below(n) == 0;

    public byte Byte() => (byte)Next();
}
