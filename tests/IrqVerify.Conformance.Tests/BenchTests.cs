using IrqVerify.Conformance.Bench;

namespace IrqVerify.Conformance.Tests;

public class BenchTests
{
    /// <summary>The speed comparison runs the same sequence on both sides: their results agree
    /// (timings are reported, never asserted).</summary>
    [Fact]
    public void KernelAndModelComputeTheSameAllocFreeSequence()
    {
        var r = MatrixNativeBench.Run(KernelMatrix.Library, ops: 20_000, seed: 3, rounds: 2);
        Assert.True(r.ResultsAgree);
        Assert.Equal(20_000, r.Ops);
        Assert.StartsWith("6.12.", r.KernelVersion);
    }
}
