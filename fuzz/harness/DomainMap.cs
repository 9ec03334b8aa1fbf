using System.Globalization;
using IrqVerify.Fuzz;
using SharpFuzz.Common;

namespace IrqVerify.Fuzz.Harness;

/// <summary>
/// Puts the domain features (DomainFeatures: per-CPU fill buckets, irq/vector move states, Xen port
/// states) into the engine's coverage map next to SharpFuzz's code edges, so that AFL++ or libFuzzer
/// keep an input that reaches a new abstract state even when it runs no new branch. Appended after
/// the 64 KiB edge map when the AFL map is large enough (run-fuzz.sh sets AFL_MAP_SIZE); otherwise
/// (libFuzzer's fixed 64 KiB, AFL without AFL_MAP_SIZE) hashed into the edge map itself.
/// </summary>
internal static unsafe class DomainMap
{
    /// <summary>The AFL map size run-fuzz.sh asks for: edges, then domain features.</summary>
    public const int AflMapSize = EdgeCoverage.MapSize + DomainFeatures.Size;

    public static bool FitsAfterEdges(string? aflMapSize) =>
        int.TryParse(aflMapSize, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= AflMapSize;

    public static void Add(DomainFeatures f, bool appended)
    {
        byte* map = Trace.SharedMem;
        var src = f.Map;
        if (appended)
        {
            byte* dst = map + EdgeCoverage.MapSize;
            for (int k = 0; k < src.Length; k++) dst[k] += src[k];
            return;
        }
        for (int k = 0; k < src.Length; k++)
        {
            if (src[k] == 0) continue;
            uint h = (uint)k * 0x9E3779B1u;
            map[(h >> 16) & (EdgeCoverage.MapSize - 1)] += src[k];
        }
    }
}
