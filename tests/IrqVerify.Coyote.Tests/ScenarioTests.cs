using IrqVerify.Explorer;
using static IrqVerify.Coyote.Tests.CoyoteHarness;

namespace IrqVerify.Coyote.Tests;

/// <summary>
/// Every scenario under Coyote's TestingEngine: the reference model stays clean within a bounded
/// iteration count; every race of the zoo is found with its invariant ids, and the decisions Coyote
/// took replay through the native replayer to the same failure.
/// </summary>
public class ScenarioTests
{
    public static TheoryData<string> Scenarios() => new()
    {
        "xen-rebind-2l", "xen-rebind-fifo", "xen-rebind-lateeoi-2l", "xen-rebind-lateeoi-fifo", "xen-lateeoi-mask",
        "xen-unbind-loop", "xen-bind-row", "vector-move-offline", "vector-setup-race", "msi-affinity-nomask",
        "multi-msi-mask", "msix-free-arrival",
    };

    /// <summary>(scenario, bug, the id Coyote's first failure must contain).</summary>
    public static TheoryData<string, string, string> Races() => new()
    {
        { "xen-rebind-2l", "K10", "I-X9" },
        { "xen-rebind-fifo", "K10", "I-X9" },
        { "xen-rebind-lateeoi-2l", "K11", "I-X10" },
        { "xen-rebind-lateeoi-fifo", "K11", "I-X10" },
        { "xen-lateeoi-mask", "K12", "I-X7" },
        { "xen-unbind-loop", "K13", "I-X12" },
        { "xen-bind-row", "K14", "I-X1" },
        { "vector-move-offline", "K2", "I-V16" },
        { "vector-setup-race", "K3", "I-V5" },
        { "multi-msi-mask", "K8", "I-P7" },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Reference_model_stays_clean_under_coyote(string scenario)
    {
        var r = Run(scenario, iterations: 60);
        Assert.True(r.Ok, $"{scenario}: {r.Found?.Summary} at iteration {r.FoundAt}\n{r.Found?.FormatLog()}");
        Assert.Equal(60, r.Schedules);
    }

    [Theory]
    [MemberData(nameof(Races))]
    public void Race_is_found_by_coyote_and_replays_natively(string scenario, string bug, string id)
    {
        var r = Run(scenario, bug, iterations: 500);
        Assert.False(r.Ok, $"{scenario} with {bug}: Coyote found nothing in {r.Schedules} iterations");
        Assert.Contains(id, r.Found!.Ids);
        Assert.Contains(id, r.Minimized!.Ids);
        Assert.Equal(r.FoundAt, r.Schedules);
        Assert.Contains("IrqVerify safety", r.BugReport);
        Assert.False(string.IsNullOrEmpty(r.ReproducibleTrace));

        // The decisions recorded while Coyote ran are an ordinary schedule: the native replayer
        // follows every one of them and reaches the same failure.
        var replay = Replayer.Run(Load(scenario), VariantsOf(bug), r.Found.Log);
        Assert.Equal(Outcome.Fail, replay.Outcome);
        Assert.Equal(0, replay.Divergences);
        Assert.Equal(r.Found.Ids, replay.Failure!.Ids);
        Assert.Equal(r.Found.Log, replay.Log);
    }
}
