using System.Text.RegularExpressions;

namespace IrqVerify.Fuzz.Tests;

/// <summary>
/// The fuzzing loop as users run it: the CLI ships the pristine model, which every engine runs, and an
/// instrumented copy (instrumented/), on which `irqverify fuzz` and the fuzz loops of verify, zoo and
/// bench run in a second load context, guided by code edges (SharpFuzz's map) as well as domain
/// features. This test process itself loads the pristine model (no edges), hence the separate processes.
/// </summary>
public class EdgeCoverageTests
{
    private static string Cli => Path.Combine(External.RepoRoot(), "src", "IrqVerify.Cli", "bin", External.Config, "net10.0", "irqverify.dll");

    [Fact]
    public void The_cli_ships_the_pristine_model_and_an_instrumented_copy()
    {
        string bin = Path.GetDirectoryName(Cli)!;
        Assert.False(External.References(Path.Combine(bin, "IrqVerify.Model.dll"), "SharpFuzz.Common"));
        Assert.True(External.References(Path.Combine(bin, "instrumented", "IrqVerify.Model.dll"), "SharpFuzz.Common"));
    }

    [Fact]
    public void The_in_process_fuzzer_of_the_built_cli_counts_sharpfuzz_edges_and_finds_K6()
    {
        string dir = Path.Combine(Path.GetTempPath(), "irqverify-edges-" + Environment.ProcessId);
        var r = External.Exec("dotnet", $"{Cli} fuzz --execs 3000 --variant K6 --seed 1 --out {dir}");
        Assert.True(r.Code == 1, r.Output);
        Assert.Contains("FAIL [I-P6]", r.Output);
        var m = Regex.Match(r.Output, @"done: execs 3000 .*, edges (\d+),");
        Assert.True(m.Success, r.Output);
        Assert.InRange(int.Parse(m.Groups[1].Value), 1000, EdgeCoverage.MapSize);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Verify_in_the_built_cli_hands_its_fuzz_loop_to_the_instrumented_model()
    {
        string dir = Path.Combine(Path.GetTempPath(), "irqverify-edges-verify-" + Environment.ProcessId);
        var r = External.Exec("dotnet", $"{Cli} verify --budget 2s --execs 2000 --variant K6 --seed 1 --out {dir}");
        Assert.True(r.Code == 1, r.Output);
        var m = Regex.Match(r.Output, @"fuzz .* (\d+) SharpFuzz edges");
        Assert.True(m.Success, r.Output);
        Assert.InRange(int.Parse(m.Groups[1].Value), 1000, EdgeCoverage.MapSize);
        Assert.Contains("I-P6", r.Output);
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
