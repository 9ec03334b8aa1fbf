using IrqVerify.Model;
using IrqVerify.Explorer;
using static IrqVerify.Explorer.Tests.ExplorerHarness;

namespace IrqVerify.Explorer.Tests;

/// <summary>
/// Every scenario passes exhaustively (dfs within its preemption bound) on the reference model; with
/// its known bug re-injected the explorer finds it within the CI budget, reports the bug's invariant
/// ids, and the written schedule replays in a fresh process.
/// </summary>
public class ScenarioTests
{
    public static TheoryData<string> Scenarios() => new()
    {
        "xen-rebind-2l", "xen-rebind-fifo", "xen-rebind-lateeoi-2l", "xen-rebind-lateeoi-fifo", "xen-lateeoi-mask",
        "xen-unbind-loop", "xen-bind-row", "vector-move-offline", "vector-setup-race", "msi-affinity-nomask",
        "multi-msi-mask", "msix-free-arrival",
    };

    /// <summary>(scenario, bug, ids the bug must violate — one of them is enough).</summary>
    public static TheoryData<string, string, string> Races() => new()
    {
        { "xen-rebind-2l", "K10", "I-X9" },
        { "xen-rebind-fifo", "K10", "I-X9" },
        { "xen-rebind-lateeoi-2l", "K11", "I-X10" },
        { "xen-rebind-lateeoi-fifo", "K11", "I-X10" },
        { "xen-lateeoi-mask", "K12", "I-X7,I-X10" },
        { "xen-unbind-loop", "K13", "I-X12" },
        { "xen-bind-row", "K14", "I-X1" },
        { "vector-move-offline", "K2", "I-V3,I-V4,I-V16" },
        { "vector-setup-race", "K3", "I-V5,I-G2" },
        { "multi-msi-mask", "K8", "I-P7" },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Reference_model_passes_exhaustively_within_the_bound(string scenario)
    {
        var r = AssertNoViolation(scenario, "dfs");
        Assert.True(r.Exhausted, $"{scenario}: not exhausted after {r.Schedules} schedules");
        Assert.True(r.States > 0);
        Assert.Equal(r.Schedules, r.Passed + r.Pruned);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Reference_model_passes_randomized_schedules(string scenario)
    {
        AssertNoViolation(scenario, "portfolio", iterations: Iterations(200));
    }

    [Theory]
    [MemberData(nameof(Races))]
    public void Known_bug_is_found_by_dfs_and_replays_in_a_fresh_process(string scenario, string bug, string ids)
    {
        var r = Explore(scenario, "dfs", variants: bug);
        Assert.False(r.Ok, $"{scenario} with {bug}: dfs found nothing in {r.Schedules} schedules");
        var expected = ids.Split(',');
        Assert.Contains(r.Minimized!.Ids, expected.Contains);
        Assert.True(r.Minimized.Preemptions <= r.Found!.Preemptions);

        var s = Load(scenario);
        string file = WriteSchedule(s, VariantsOf(bug), r);
        try
        {
            var (code, output) = RunCli("replay", file);
            Assert.True(code == 1, $"replay exit {code}:\n{output}");
            Assert.Contains("REPRODUCED: " + r.Minimized.Summary, output);
            Assert.Contains("step cpu", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Known finding F6: on msi-affinity-nomask Linux itself writes the non-maskable MSI
    /// directly, so K4 and K15 have nothing left to re-inject. The reference passes (the finding is
    /// known), and under --strict dfs finds the torn pair and the lost event, labelled F6, and the
    /// schedule replays.</summary>
    [Fact]
    public void Msi_affinity_nomask_shows_known_F6_on_the_reference_under_strict()
    {
        var s = Load("msi-affinity-nomask");
        var r = Exploration.Run(s, VariantsOf(), new ExploreOptions { Strategy = "dfs", Strict = true });
        Assert.False(r.Ok, $"strict dfs found nothing in {r.Schedules} schedules");
        Assert.Contains(r.Minimized!.Ids, new[] { "I-V8", "I-G2" }.Contains);
        Assert.Contains(r.Minimized.Messages, x => x.Contains("KNOWN F6", StringComparison.Ordinal));
        var replay = Replayer.Run(s, VariantsOf(), r.Minimized.Log, strict: true);
        Assert.Equal(Outcome.Fail, replay.Outcome);
        Assert.Equal(r.Minimized.Ids, replay.Failure!.Ids);
        Assert.Null(Variants.PresentUpstream("K10"));
        Assert.Equal("F6", Variants.PresentUpstream("K4")!.Id);
        Assert.Equal("F6", Variants.PresentUpstream("K15")!.Id);
    }

    [Theory]
    [MemberData(nameof(Races))]
    public void Known_bug_is_found_by_the_portfolio_within_the_CI_budget(string scenario, string bug, string ids)
    {
        var r = Explore(scenario, "portfolio", iterations: 2000, variants: bug);
        Assert.False(r.Ok, $"{scenario} with {bug}: portfolio found nothing in {r.Schedules} schedules");
        Assert.Contains(r.Minimized!.Ids, ids.Split(',').Contains);
        // the minimized log replays to the same failure in this process too
        var replay = Replayer.Run(Load(scenario), VariantsOf(bug), r.Minimized.Log);
        Assert.Equal(Outcome.Fail, replay.Outcome);
        Assert.Equal(r.Minimized.Ids, replay.Failure!.Ids);
    }
}
