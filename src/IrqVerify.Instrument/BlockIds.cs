namespace IrqVerify.Instrument;

/// <summary>
/// Stable basic-block ids: FNV-1a over (module name, method full name, IL offset), reduced to the
/// map size. Never string.GetHashCode (randomized per process): the same assembly must always get
/// the same ids, so corpora and coverage reports stay valid across builds of unchanged methods.
/// </summary>
public static class BlockIds
{
    public static int Of(string module, string method, int ilOffset, int mapSize)
    {
        uint h = 2166136261;
        void Mix(byte b) { h ^= b; h *= 16777619; }
        foreach (char c in module) { Mix((byte)c); Mix((byte)(c >> 8)); }
        Mix(0);
        foreach (char c in method) { Mix((byte)c); Mix((byte)(c >> 8)); }
        Mix(0);
        for (int i = 0; i < 4; i++) Mix((byte)(ilOffset >> (8 * i)));
        // Fold the high half in so that small maps still see every input bit.
        return (int)((h ^ (h >> 16)) & (uint)(mapSize - 1));
    }
}
