using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Program;
using IrqVerify.Testing;

namespace IrqVerify.Model.Tests.Catalogue;

/// <summary>The incremental round after a step reports exactly what the full round reports (same
/// violations, same order), on random programs of the reference model and of variants that break
/// matrix invariants, across Restore of the same machine.</summary>
public class IncrementalCheckerTests
{
    private static readonly InvariantCheck[] Safety = InvariantCatalog.All.Where(c => c.Kind == InvariantKind.Safety).ToArray();

    [Theory]
    [InlineData(null)]
    [InlineData("K1")]
    [InlineData("K5")]
    [InlineData("K6")]
    public void Incremental_and_full_rounds_agree_after_every_step(string? variant)
    {
        var cfg = MachineConfig.Default();
        var variants = new Variants();
        if (variant is not null) Assert.True(variants.TryEnable(variant));
        var m = new Machine(cfg, variants);
        var boot = m.Snapshot();
        var incremental = new IncrementalChecker(Safety);
        var full = new List<Violation>();
        var inc = new List<Violation>();
        long steps = 0, violations = 0, matrixViolations = 0;
        m.AfterStep = _ =>
        {
            full.Clear();
            foreach (var c in Safety) c.Check(m, full);
            inc.Clear();
            incremental.Check(m, inc);
            Assert.Equal(full, inc);
            steps++;
            violations += full.Count;
            matrixViolations += full.Count(v => IncrementalChecker.IsMatrixScoped(v.Id));
        };
        var quiet = new RunOptions { CheckEveryStep = false, CheckRefinement = false, Drain = false, Checks = [] };
        // 40 programs at least; a variant runs more (up to 400) until one of them breaks an invariant,
        // so the comparison covers rounds that report something.
        for (ulong seed = 1; seed <= 40 || (variant is not null && violations == 0 && seed <= 400); seed++)
        {
            m.Restore(boot);
            var p = ProgramGenerator.Generate(cfg, variants, new Rng(seed), 25);
            ProgramRunner.Run(m, p, quiet);
        }
        Assert.True(steps > 200, $"only {steps} steps");
        Assert.True(incremental.Skipped > 0);
        if (variant is "K1") Assert.True(matrixViolations > 0, "K1 breaks I-M17");
        if (variant is not null) Assert.True(violations > 0, "the variant should break an invariant");
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
        // Nothing changed: only the checks reading a part without a change epoch run again.
        Assert.Equal(Safety.Count(c => (c.Reads & (StateScope.Pci | StateScope.Xen)) != 0), incremental.Ran - ran);
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
