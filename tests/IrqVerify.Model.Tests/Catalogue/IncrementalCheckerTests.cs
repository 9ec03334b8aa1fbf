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

    private const string Busy = """
        n = pci_alloc_irq_vectors(dev1, 2, 2, msix)
        i0 = pci_irq_vector(dev1, 0)
        request_irq(i0)
        p = evtchn_alloc_unbound()
        x = bind_evtchn_to_irq(p)
        request_irq(x)
        """;

    public static TheoryData<string, string> Corruptions() => new()
    {
        { "irqs", "I-G1" }, { "vector", "I-V5" }, { "pci", "I-P1" }, { "xen", "I-X4" },
    };

    /// <summary>A change made through a part's own setters (as the corruption tests make them) moves
    /// that part's epoch: the next round re-runs exactly the checks reading it and finds the
    /// violation; a Restore moves every epoch, and the round after it is clean again.</summary>
    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_change_through_a_parts_setters_makes_the_next_round_check_what_reads_it(string part, string id)
    {
        var cfg = MachineConfig.Default();
        var m = new Machine(cfg);
        var report = ProgramRunner.Run(m, ProgramParser.Parse(Busy, "busy.irq", cfg),
            new RunOptions { CheckEveryStep = false, CheckRefinement = false, Drain = false, Checks = [] });
        Assert.Equal(6, report.Ops.Count);
        var clean = m.Snapshot();
        var incremental = new IncrementalChecker(Safety);
        var found = new List<Violation>();
        incremental.Check(m, found);
        incremental.Check(m, found);
        Assert.Empty(found);
        long ran = incremental.Ran;
        int irq = m.Pci.Devices[1].Descriptors[0].Irq;
        StateScope scope;
        switch (part)
        {
            case "irqs":
                m.Irqs[irq]!.HandlersRunning = 2;
                scope = StateScope.Irqs;
                break;
            case "vector":
                var a = m.Vector.Apic(irq)!;
                m.Vector.Cpus[(a.Cpu + 1) % cfg.Cpus].VectorIrq[a.Vector] = irq;
                scope = StateScope.Vector;
                break;
            case "pci":
                m.Pci.Devices[1].MsiEnabled = true;
                scope = StateScope.Pci;
                break;
            default:
                m.Xen!.ChannelsOnCpu[0]++;
                scope = StateScope.Xen;
                break;
        }
        incremental.Check(m, found);
        Assert.Contains(found, v => v.Id == id);
        Assert.Equal(Safety.Count(c => (c.Reads & scope) != 0), incremental.Ran - ran);
        found.Clear();
        m.Restore(clean);
        incremental.Check(m, found);
        Assert.Empty(found);
    }
}
