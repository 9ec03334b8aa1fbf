using IrqVerify.Verify;
using static IrqVerify.Coyote.Tests.CoyoteHarness;

namespace IrqVerify.Coyote.Tests;

/// <summary>The zoo with Coyote beside the native explorer.</summary>
public class ZooTests
{
    [Fact]
    public void Zoo_runs_native_and_coyote_on_a_race_and_skips_sequential_bugs()
    {
        var rows = ZooRunner.Run(new ZooOptions
        {
            Engines = ["native", "coyote"],
            Variants = ["K10", "K6"],
            Seeds = 2,
            BudgetPerBug = TimeSpan.FromSeconds(20),
            ScenarioDir = Path.Combine(AppContext.BaseDirectory, "scenarios"),
        });
        var row = Assert.Single(rows);
        Assert.Equal("K10", row.Variant);
        Assert.Equal(["explore", "coyote"], row.Cells.Select(c => c.Engine));
        Assert.Equal(1, row.Cells[0].Detected);
        Assert.Equal(2, row.Cells[1].Detected);
        Assert.Equal(["I-X9"], row.Cells[1].Ids);
        Assert.Contains("native (explore)", ZooRunner.EngineTable(rows));
    }

    [Fact]
    public void Several_engines_without_bench_is_bad_input()
    {
        var (code, output) = RunCli("explore", ScenarioPath("xen-rebind-2l"), "--engine", "native,coyote");
        Assert.Equal(2, code);
        Assert.Contains("--engine: one engine (native or coyote) per exploration; several only with --bench", output);
    }
}
