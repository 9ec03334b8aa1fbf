using IrqVerify.Cli;

namespace IrqVerify.Conformance.Tests;

public class ConformCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(["conform", "matrix", "--out", KernelMatrix.CacheRoot, .. args], o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void CleanRunExitsZero()
    {
        var (code, output, _) = Run("--sequences", "50", "--seed", "3");
        Assert.Equal(ExitCodes.Clean, code);
        Assert.Contains("  50 sequences from seed 3,", output);
        Assert.Contains("no divergence", output);
    }

    [Fact]
    public void DivergenceExitsOneWithReplayLine()
    {
        var (code, output, _) = Run("--sequences", "100", "--variant", "K1");
        Assert.Equal(ExitCodes.Found, code);
        Assert.Contains("replay: irqverify conform matrix --seed 4 --sequences 1 --variant K1", output);
    }

    [Fact]
    public void BenchPrintsBothRatesAndExitsZero()
    {
        var (code, output, _) = Run("--bench", "--ops", "2000");
        Assert.Equal(ExitCodes.Clean, code);
        Assert.StartsWith("matrix alloc/free, 2000 ops: kernel matrix.c (6.12.", output);
        Assert.Contains("native/model", output);
        Assert.EndsWith("results identical" + Environment.NewLine, output);
    }

    [Fact]
    public void MissingKernelTreeIsBadInput()
    {
        string dir = Path.Combine(Path.GetTempPath(), "irqverify-conform-empty-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var (code, _, err) = Run("--kernel-src", dir, "--sequences", "1");
            Assert.Equal(ExitCodes.BadInput, code);
            Assert.Equal($"{dir}/kernel/irq/matrix.c: not found (--kernel-src must be a Linux source tree)", err.Trim());
        }
        finally { Directory.Delete(dir); }
    }

    [Fact]
    public void NonPositiveSequencesIsBadInput()
    {
        var (code, _, err) = Run("--sequences", "0");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("--sequences: expected a positive number of sequences", err.Trim());
    }
}
