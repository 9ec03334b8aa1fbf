using IrqVerify.Model.Invariants;

namespace IrqVerify.Model.Tests.Catalogue;

public class CatalogueTests
{
    /// <summary>The IDs of spec §8, which must never be renumbered.</summary>
    public static IEnumerable<string> SpecIds =>
        Enumerable.Range(1, 17).Select(i => $"I-M{i}")
            .Concat(Enumerable.Range(1, 21).Select(i => $"I-V{i}"))
            .Concat(Enumerable.Range(1, 17).Select(i => $"I-P{i}"))
            .Concat(Enumerable.Range(1, 16).Select(i => $"I-X{i}"))
            .Concat(Enumerable.Range(1, 3).Select(i => $"I-G{i}"))
            .Concat(Enumerable.Range(1, 4).Select(i => $"I-L{i}"));

    [Fact]
    public void Every_spec_invariant_has_exactly_one_check()
    {
        var ids = InvariantCatalog.All.Select(c => c.Id).ToList();
        var missing = SpecIds.Except(ids).ToList();
        Assert.True(missing.Count == 0, "missing checks: " + string.Join(", ", missing));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(78, ids.Count);
        Assert.Equal(["I-L1", "I-L2", "I-L3", "I-L4"], ids.TakeLast(4));
    }

    [Fact]
    public void A_freshly_booted_default_machine_satisfies_every_invariant()
    {
        var m = new IrqVerify.Model.Machine(MachineConfig.Default());
        foreach (var c in InvariantCatalog.All)
            Assert.Empty(c.Run(m));
    }
}
