using IrqVerify.Model;

namespace IrqVerify.Verify.Tests;

/// <summary>The CI profile of the bug zoo: every known bug (K1..K15) detected, differentially, or
/// reported present upstream.</summary>
public class ZooTests
{
    [Fact]
    public void Ci_profile_detects_every_known_bug()
    {
        var rows = ZooRunner.Run(ZooOptions.Ci());
        Assert.Equal(15, rows.Count);
        Assert.Equal(Variants.Names.ToList(), rows.Select(r => r.Variant).ToList());
        var missed = rows.Where(r => !r.Detected).Select(r => r.Variant).ToList();
        Assert.True(missed.Count == 0, "undetected: " + string.Join(", ", missed) + "\n" + ZooRunner.Table(rows));
        // K4 and K15 are present upstream (known finding F6): reported, not hunted.
        Assert.Equal(["K15", "K4"], rows.Where(r => r.Upstream is not null).Select(r => r.Variant).Order(StringComparer.Ordinal));
        Assert.All(rows.Where(r => r.Upstream is not null), r => Assert.Equal("F6", r.Upstream!.Id));
        Assert.Contains("present upstream: reference shows F6", ZooRunner.Table(rows));
        // Races go to the explorer, which names the spec's invariants.
        Assert.Contains("I-X9", rows.Single(r => r.Variant == "K10").Ids);
        Assert.Contains("I-P6", rows.Single(r => r.Variant == "K6").Ids);
    }

    [Fact]
    public void Races_are_the_bugs_named_by_scenarios()
    {
        var races = ZooRunner.Races(null);
        foreach (var k in new[] { "K2", "K3", "K4", "K8", "K10", "K11", "K12", "K13", "K14", "K15" }) Assert.Contains(k, races);
        foreach (var k in new[] { "K1", "K5", "K6", "K7", "K9" }) Assert.DoesNotContain(k, races);
    }
}
