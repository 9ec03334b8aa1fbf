using System.Runtime.InteropServices;

namespace IrqVerify.Conformance.Native;

/// <summary>
/// The loaded kernel matrix library: function pointers to the glue's flat ABI. Loaded once per path
/// and kept for the process (a native library cannot be unloaded safely while matrices live).
/// </summary>
public sealed unsafe class KernelMatrixLibrary
{
    private static readonly Dictionary<string, KernelMatrixLibrary> Loaded = new(StringComparer.Ordinal);
    private static readonly Lock LoadLock = new();

    internal readonly delegate* unmanaged<uint, uint, uint, uint, nint> Create;
    internal readonly delegate* unmanaged<nint, void> Destroy;
    internal readonly delegate* unmanaged<nint, int, uint, ulong, uint, int, KmxResult*, void> Op;
    internal readonly delegate* unmanaged<nint, KmxGlobals*, void> Globals;
    internal readonly delegate* unmanaged<nint, uint, KmxCpu*, void> Cpu;
    internal readonly delegate* unmanaged<nint, ulong, uint, uint, ulong, ulong> BenchAllocFree;

    private KernelMatrixLibrary(nint h, string kernelVersion)
    {
        KernelVersion = kernelVersion;
        Create = (delegate* unmanaged<uint, uint, uint, uint, nint>)NativeLibrary.GetExport(h, "kmx_create");
        Destroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(h, "kmx_destroy");
        Op = (delegate* unmanaged<nint, int, uint, ulong, uint, int, KmxResult*, void>)NativeLibrary.GetExport(h, "kmx_op");
        Globals = (delegate* unmanaged<nint, KmxGlobals*, void>)NativeLibrary.GetExport(h, "kmx_globals");
        Cpu = (delegate* unmanaged<nint, uint, KmxCpu*, void>)NativeLibrary.GetExport(h, "kmx_cpu");
        BenchAllocFree = (delegate* unmanaged<nint, ulong, uint, uint, ulong, ulong>)NativeLibrary.GetExport(h, "kmx_bench_alloc_free");
    }

    /// <summary>The kernel version the library was compiled from (e.g. "6.12.118 (Debian ...)").</summary>
    public string KernelVersion { get; }

    public static KernelMatrixLibrary Load(KernelMatrixBuildResult build)
    {
        lock (LoadLock)
        {
            if (Loaded.TryGetValue(build.LibraryPath, out var lib)) return lib;
            lib = new KernelMatrixLibrary(NativeLibrary.Load(build.LibraryPath), build.KernelVersion);
            Loaded[build.LibraryPath] = lib;
            return lib;
        }
    }

    /// <summary>Builds (or reuses) and loads the library: the one call the commands and tests make.</summary>
    public static KernelMatrixLibrary Ensure(string cacheRoot, string? kernelSrc) => Load(KernelMatrixBuild.Ensure(cacheRoot, kernelSrc));
}
