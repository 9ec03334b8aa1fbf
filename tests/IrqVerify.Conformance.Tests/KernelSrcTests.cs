using IrqVerify.Conformance.Differential;
using IrqVerify.Conformance.Native;

namespace IrqVerify.Conformance.Tests;

public class KernelSrcTests
{
    /// <summary>--kernel-src: a tree holding kernel/irq/matrix.c and include/trace/events/irq_matrix.h
    /// (here the two files the tarball build extracted) builds and agrees with the model.</summary>
    [Fact]
    public void AUsersTreeBuildsAndAgrees()
    {
        var tarballBuild = KernelMatrix.Library; // ensures the tarball build exists
        string tree = Path.Combine(Path.GetDirectoryName(KernelMatrix.Build.LibraryPath)!, "src");
        string cache = Path.Combine(Path.GetTempPath(), "irqverify-conform-tree-" + Guid.NewGuid().ToString("N"));
        try
        {
            var lib = KernelMatrixLibrary.Ensure(cache, tree);
            Assert.Equal($"unknown (tree {tree})", lib.KernelVersion);
            Assert.NotSame(tarballBuild, lib);
            var r = ConformanceRunner.Run(lib, 300, seed: 99);
            Assert.Null(r.Divergence);
            Assert.Equal(300, r.Sequences);
        }
        finally { Directory.Delete(cache, recursive: true); }
    }
}
