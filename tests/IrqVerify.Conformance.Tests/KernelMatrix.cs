using IrqVerify.Conformance.Native;

namespace IrqVerify.Conformance.Tests;

/// <summary>
/// The kernel's matrix.c built once per process into a cache under the temp folder (the first build
/// extracts the linux-source-6.12 tarball, ~15 s; later runs reuse it). Without gcc or the kernel
/// source the tests fail with the build script's one line naming what to install.
/// </summary>
public static class KernelMatrix
{
    public static readonly string CacheRoot = Path.Combine(Path.GetTempPath(), "irqverify-conform-cache");

    private static readonly Lazy<KernelMatrixBuildResult> BuildResult = new(() =>
    {
        try { return KernelMatrixBuild.Ensure(CacheRoot, null); }
        catch (KernelMatrixBuildException e) { throw new InvalidOperationException(e.Message + " (run tests/install-deps.sh)"); }
    });

    public static KernelMatrixBuildResult Build => BuildResult.Value;

    public static KernelMatrixLibrary Library => KernelMatrixLibrary.Load(Build);
}
