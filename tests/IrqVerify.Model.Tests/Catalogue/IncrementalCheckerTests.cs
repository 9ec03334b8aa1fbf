using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Program;
using IrqVerify.Testing;

namespace IrqVerify.Model.Tests.Catalogue;

/// <summary>The incremental round after a step reports exactly what the full round reports (same
/// violations, same order), on random programs of the reference model and of every known-bug
/// variant, on PCI machines and on Xen machines (2-level and FIFO), across Restore of the same machine.</summary>
public class IncrementalCheckerTests
{
    private static readonly InvariantCheck[] Safety = InvariantCatalog.All.Where(c => c.Kind == InvariantKind.Safety).ToArray();

    public static TheoryData<string?> AllVariants()
    {
        var d = new TheoryData<string?> { (string?)null };
        foreach (string k in Variants.Names) d.Add(k);
        return d;
    }

    /// <summary>Machine kinds the programs run on, in rotation: the default machine (PCI with
    /// remapping, FIFO Xen), generated PCI-only machines, generated machines with a 2-level and
    /// with a FIFO Xen guest.</summary>
    private static (MachineConfig Config, ProgramProfile Profile) MachineFor(ulong seed)
    {
        var r = new Rng(seed * 7919);
        switch (seed % 4)
        {
            case 0: return (MachineConfig.Default(), ProgramProfile.Default);
            case 1: return (MachineGenerator.Generate(r, MachineProfile.Default with { NoXen = true, XenPercent = 0 }), ProgramProfile.Pci);
            default:
                var cfg = MachineGenerator.Generate(r, MachineProfile.Default with { XenPercent = 100 });
                cfg.Xen!.Abi = seed % 4 == 2 ? "2l" : "fifo";
                return (cfg, seed % 8 < 4 ? ProgramProfile.Xen : ProgramProfile.Default);
        }
    }

    [Theory]
    [MemberData(nameof(AllVariants))]
    public void Incremental_and_full_rounds_agree_after_every_step(string? variant)
    {
        var variants = new Variants();
        if (variant is not null) Assert.True(variants.TryEnable(variant));
        long steps = 0, violations = 0, skipped = 0;
        var full = new List<Violation>();
        var inc = new List<Violation>();
        var quiet = new RunOptions { CheckEveryStep = false, CheckRefinement = false, Drain = false, Checks = [] };
        // 48 programs at least (12 per machine kind); a variant runs more (up to 400) until one breaks
        // an invariant, so the comparison covers rounds that report something.
        for (ulong seed = 1; seed <= 48 || (variant is not null && violations == 0 && seed <= 400); seed++)
        {
            var (cfg, profile) = MachineFor(seed);
            var m = new Machine(cfg, variants);
            var boot = m.Snapshot();
            var incremental = new IncrementalChecker(Safety);
            m.AfterStep = _ =>
            {
                full.Clear();
                foreach (var c in Safety) c.Check(m, full);
                inc.Clear();
                incremental.Check(m, inc);
                Assert.Equal(full, inc);
                steps++;
                violations += full.Count;
            };
            // Two programs on the same machine and checker, the second after a Restore: a restore
            // must count as a change of every part.
            for (ulong k = 0; k < 2; k++)
            {
                m.Restore(boot);
                var p = ProgramGenerator.Generate(cfg, variants, new Rng(seed * 2 + k), 25, profile);
                ProgramRunner.Run(m, p, quiet);
            }
            m.AfterStep = null;
            skipped += incremental.Skipped;
        }
        Assert.True(steps > 1000, $"only {steps} steps");
        Assert.True(skipped > 0);
    }

    /// <summary>The variants whose random programs above break a safety invariant: the comparison
    /// covers rounds that report something for each of them.</summary>
    [Theory]
    [InlineData("K1")]
    [InlineData("K5")]
    [InlineData("K6")]
    public void Variants_that_break_a_safety_invariant_are_compared_on_findings(string variant)
    {
        var variants = new Variants();
        Assert.True(variants.TryEnable(variant));
        long violations = 0, matrixViolations = 0;
        for (ulong seed = 1; seed <= 400 && violations == 0; seed++)
        {
            var (cfg, profile) = MachineFor(seed);
            var m = new Machine(cfg, variants);
            var incremental = new IncrementalChecker(Safety);
            var full = new List<Violation>();
            var inc = new List<Violation>();
            m.AfterStep = _ =>
            {
                full.Clear();
                foreach (var c in Safety) c.Check(m, full);
                inc.Clear();
                incremental.Check(m, inc);
                Assert.Equal(full, inc);
                violations += full.Count;
                matrixViolations += full.Count(v => IncrementalChecker.IsMatrixScoped(v.Id));
            };
            ProgramRunner.Run(m, ProgramGenerator.Generate(cfg, variants, new Rng(seed), 25, profile),
                new RunOptions { CheckEveryStep = false, CheckRefinement = false, Drain = false, Checks = [] });
        }
        Assert.True(violations > 0, "the variant should break an invariant");
        if (variant is "K1") Assert.True(matrixViolations > 0, "K1 breaks I-M17");
    }

    [Fact]
    public void The_matrix_checks_are_exactly_the_matrix_invariants()
    {
        Assert.Equal(17, InvariantCatalog.MatrixOnlyIds.Count);
        Assert.Contains("I-M1", InvariantCatalog.MatrixOnlyIds);
        Assert.Contains("I-M17", InvariantCatalog.MatrixOnlyIds);
        Assert.DoesNotContain(InvariantCatalog.MatrixOnlyIds, id => !id.StartsWith("I-M", StringComparison.Ordinal));
    }

    [Fact]
    public void A_matrix_operation_makes_the_next_round_check_the_matrix_again()
    {
        var m = new Machine(MachineConfig.Default());
        var incremental = new IncrementalChecker(Safety);
        var found = new List<Violation>();
        incremental.Check(m, found);
        Assert.Empty(found);
        long ran = incremental.Ran;
        incremental.Check(m, found);
        Assert.Equal(0, incremental.Ran - ran);                             // nothing changed: every check skipped
        m.Matrix.Reserve();                                                 // an operation: global_reserved 1
        m.Matrix.RemoveReserved();
        m.Matrix.RemoveReserved();                                          // global_reserved -1: I-M9
        incremental.Check(m, found);
        Assert.Contains(found, v => v.Id == "I-M9");
        found.Clear();
        incremental.Check(m, found);                                        // skipped, the finding repeated
        Assert.Contains(found, v => v.Id == "I-M9");
    }
}
