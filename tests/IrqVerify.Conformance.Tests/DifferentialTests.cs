using IrqVerify.Conformance.Differential;
using IrqVerify.Model;

namespace IrqVerify.Conformance.Tests;

public class DifferentialTests
{
    /// <summary>CI's run: 20,000 sequences of the kernel's matrix.c against the model, no divergence.
    /// The counts pin the generator: same seed, same sequences, in any process.</summary>
    [Fact]
    public void TwentyThousandSequencesAgreeWithTheKernel()
    {
        var r = ConformanceRunner.Run(KernelMatrix.Library, 20_000, seed: 1);
        Assert.Null(r.Divergence);
        Assert.Equal(20_000, r.Sequences);
        Assert.Equal(627_293, r.Calls);
        Assert.Equal(3_015, r.EndedByBug);
        Assert.Equal(121_982, r.Warns);
        Assert.Equal(7_364, r.PrWarns);
        Assert.All(Enum.GetValues<MatrixCallKind>(), k => Assert.True(r.CallsByKind.GetValueOrDefault(k) > 10_000 || k is MatrixCallKind.AssignSystem, $"{k} rarely generated"));
    }

    [Fact]
    public void SameSeedGivesTheSameSequence()
    {
        var diff = new MatrixDifferential(KernelMatrix.Library);
        var a = diff.Run(12345);
        var b = diff.Run(12345);
        Assert.Equal(a.Geometry, b.Geometry);
        Assert.Equal(a.Calls, b.Calls);
        Assert.NotEqual(a.Calls, diff.Run(12346).Calls);
    }

    /// <summary>The divergence the differential found first (seed 1): a double offline wraps the
    /// unsigned online_maps to UINT_MAX, and the kernel's BUG_ON(m->online_maps > 1 ...) in
    /// irq_matrix_assign_system fires; the model compared it as a signed -1 and let the call through.</summary>
    [Fact]
    public void AssignSystemAfterOnlineMapsUnderflowIsABugOnBothSides()
    {
        var g = new MatrixGeometry(4, 64, 2, 28);
        var calls = new[]
        {
            new MatrixCall(MatrixCallKind.Offline, Cpu: 0),
            new MatrixCall(MatrixCallKind.AssignSystem, Cpu: 3, Bit: 8),
        };
        var r = new MatrixDifferential(KernelMatrix.Library).Replay(g, calls);
        Assert.Null(r.Divergence);
        Assert.True(r.EndedByBug);
        Assert.Equal(2, r.Calls.Count);
    }

    /// <summary>K1 re-injects the old irq_matrix_allocated (managed allocations counted): the
    /// differential catches it and minimizes to online, reserve_managed, alloc_managed, allocated.</summary>
    [Fact]
    public void ReinjectedK1IsCaughtAndMinimized()
    {
        var v = new Variants();
        Assert.True(v.TryEnable("K1"));
        var r = ConformanceRunner.Run(KernelMatrix.Library, 2_000, seed: 1, v, " --variant K1");
        var d = Assert.IsType<Divergence>(r.Divergence);
        Assert.Equal(4, r.Sequences);
        Assert.Equal(
            [MatrixCallKind.Online, MatrixCallKind.ReserveManaged, MatrixCallKind.AllocManaged, MatrixCallKind.QueryAllocated],
            d.Calls.Select(c => c.Kind));
        Assert.Equal(0, d.KernelOutcome.Ret);
        Assert.Equal(1, d.ModelOutcome.Ret);
        Assert.Equal("irqverify conform matrix --seed 4 --sequences 1 --variant K1", r.ReplayCommand);
        var text = new StringWriter();
        r.Write(text);
        Assert.Contains("DIVERGENCE at call 4 of the minimized sequence (1 CPUs, irq_alloc_matrix(256, 10, 12))", text.ToString());
        Assert.Contains("  4. irq_matrix_allocated() on CPU0", text.ToString());
    }
}
