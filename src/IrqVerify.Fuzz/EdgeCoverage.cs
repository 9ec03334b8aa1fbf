using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpFuzz.Common;

namespace IrqVerify.Fuzz;

/// <summary>
/// Code-edge coverage of the model as SharpFuzz's instrumentation records it. `sharpfuzz` rewrites
/// IrqVerify.Model.dll so that every branch target bumps <c>Trace.SharedMem[id ^ Trace.PrevLocation]</c>
/// (AFL's 64 KiB edge map). Under AFL++/libFuzzer, SharpFuzz's run loop points SharedMem at the
/// engine's shared memory; everywhere else (the in-process fuzzer, seed encoding, replays in a
/// process whose model copy is instrumented) the map must point at a private buffer first, since
/// the instrumented code writes through the pointer unconditionally.
/// </summary>
public static unsafe class EdgeCoverage
{
    /// <summary>SharpFuzz's map size: edge ids are 16-bit.</summary>
    public const int MapSize = 1 << 16;

    private static byte* _private;

    /// <summary>Whether the IrqVerify.Model assembly loaded in this process carries SharpFuzz probes.</summary>
    public static bool Instrumented { get; } =
        typeof(Model.Variants).Assembly.GetReferencedAssemblies().Any(a => a.Name == typeof(Trace).Assembly.GetName().Name);

    /// <summary>Points SharpFuzz's map at a private zeroed buffer unless something (a SharpFuzz run
    /// loop) already attached one. Safe to call any number of times.</summary>
    public static void EnsureMap()
    {
        if (Trace.SharedMem != null) return;
        if (_private == null) _private = (byte*)NativeMemory.AllocZeroed(MapSize);
        Trace.SharedMem = _private;
    }

    private static bool _staticsRun;

    /// <summary>
    /// <see cref="EnsureMap"/>, and runs every static constructor of the model once. A static
    /// constructor's edges show up in whichever run first touches its type, and that depends on what
    /// else the process did before (`irqverify verify` runs other engines first): running them all up
    /// front keeps the edge feedback, and so the fuzzer's decisions, the same in any process.
    /// </summary>
    public static void Prepare()
    {
        EnsureMap();
        if (_staticsRun) return;
        foreach (var t in typeof(Model.Variants).Assembly.GetTypes())
            if (!t.ContainsGenericParameters) RuntimeHelpers.RunClassConstructor(t.TypeHandle);
        _staticsRun = true;
    }

    /// <summary>Clears the map and the previous location before one in-process run.</summary>
    public static void Reset()
    {
        new Span<byte>(Trace.SharedMem, MapSize).Clear();
        Trace.PrevLocation = 0;
    }

    /// <summary>The current map (call <see cref="EnsureMap"/> first).</summary>
    public static ReadOnlySpan<byte> Map => new(Trace.SharedMem, MapSize);
}
