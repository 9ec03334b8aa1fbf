using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace IrqVerify.Coverage;

/// <summary>
/// The coverage runtime the IL instrumenter calls into: AFL's classic edge map. Every basic-block
/// head of an instrumented assembly calls <see cref="Hit"/> with its stable block id; the edge
/// (prev → cur) bumps <c>Map[cur ^ prev]</c> and <c>prev = cur &gt;&gt; 1</c> keeps A→B distinct from
/// B→A and stops tight self-loops from cancelling out. <see cref="Map"/> starts as a private
/// buffer; the AFL harness points it at AFL's shared memory. Nothing here allocates per hit.
/// </summary>
public static unsafe class Cov
{
    /// <summary>Map size in bytes (a power of two); block ids are taken modulo this.</summary>
    public const int MapSize = 1 << 16;

    private static byte* _private = (byte*)NativeMemory.AllocZeroed(MapSize);

    /// <summary>The edge map (AFL's __afl_area_ptr).</summary>
    public static byte* Map = _private;

    /// <summary>The previous block id shifted right by one (AFL's __afl_prev_loc).</summary>
    public static int Prev;

    /// <summary>Number of calls to <see cref="Hit"/> since the process started (tells whether the
    /// loaded model assembly is instrumented at all).</summary>
    public static long Hits;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hit(int cur)
    {
        Map[(cur ^ Prev) & (MapSize - 1)]++;
        Prev = cur >> 1;
        Hits++;
    }

    /// <summary>Points the map at external memory (AFL's shared map); null restores the private map.</summary>
    public static void Attach(byte* map) => Map = map == null ? _private : map;

    /// <summary>Clears the map and the previous location before one run (in-process use; AFL clears its own map).</summary>
    public static void Reset()
    {
        new Span<byte>(Map, MapSize).Clear();
        Prev = 0;
    }

    /// <summary>The current map as a span (read by the in-process fuzzer).</summary>
    public static Span<byte> Span => new(Map, MapSize);
}
