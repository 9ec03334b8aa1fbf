using System.Text.RegularExpressions;

namespace IrqVerify.Fuzz.Tests;

/// <summary>
/// `irqverify fuzz` as users run it: the CLI's model copy is instrumented by sharpfuzz, so the
/// in-process fuzzer is guided by code edges (SharpFuzz's map) as well as domain features. This test
/// process itself loads the pristine model (no edges), hence the separate process.
/// </summary>
public class EdgeCoverageTests
{
    [Fact]
    public void The_in_process_fuzzer_of_the_built_cli_counts_sharpfuzz_edges_and_finds_K6()
    {
        string root = External.RepoRoot();
        string cli = Path.Combine(root, "src", "IrqVerify.Cli", "bin", External.Config, "net10.0", "irqverify.dll");
        Assert.True(External.References(Path.Combine(Path.GetDirectoryName(cli)!, "IrqVerify.Model.dll"), "SharpFuzz.Common"));
        string dir = Path.Combine(Path.GetTempPath(), "irqverify-edges-" + Environment.ProcessId);
        var r = External.Exec("dotnet", $"{cli} fuzz --execs 3000 --variant K6 --seed 1 --out {dir}");
        Assert.True(r.Code == 1, r.Output);
        Assert.Contains("FAIL [I-P6]", r.Output);
        var m = Regex.Match(r.Output, @"done: execs 3000 .*, edges (\d+),");
        Assert.True(m.Success, r.Output);
        Assert.InRange(int.Parse(m.Groups[1].Value), 1000, EdgeCoverage.MapSize);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void This_test_process_loads_the_pristine_model()
    {
        Assert.False(EdgeCoverage.Instrumented);
        var r = new Fuzzer(new FuzzExecutor(Kit.Table, Kit.V())).Run(new FuzzOptions { MaxExecs = 200 });
        Assert.Equal(0, r.Stats.Edges);
    }
}
