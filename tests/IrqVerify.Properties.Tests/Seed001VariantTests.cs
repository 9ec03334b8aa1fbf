using IrqVerify.Model;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Program;
using IrqVerify.Testing;
using Xunit.Abstractions;

namespace IrqVerify.Properties.Tests;

/// <summary>
/// Issue 3 item 6: model-based tests with the seed-001 variant (contiguous multi-MSI without
/// interrupt remapping) turned on. The properties must FIND and SHRINK the failures the variant
/// really has (spec §1.3: a power-of-two aligned block on one CPU, vector exhaustion on
/// hot-unplug, a block that cannot move). These are expected-failure checks: each asserts the
/// violation found, the size of the shrunk program and that the printed replay reproduces it.
/// </summary>
public class Seed001VariantTests(ITestOutputHelper output)
{
    /// <summary>300 cases of sizes up to 30 (not scaled: the hunt must reach the failure), on the
    /// test's stable seed or the forced one.</summary>
    private static HuntResult Hunt(string name, IReadOnlyList<InvariantCheck> checks, ITestOutputHelper log, FsCheck.Arbitrary<Scenario>? arb = null)
    {
        var found = ScenarioHunt.Run(arb ?? Seed001Scenarios.Scenario(), s =>
        {
            var o = ScenarioRunner.Run(s, new RunOptions { Checks = checks });
            if (!o.Ok) throw new InvalidOperationException($"violated {string.Join(", ", o.FailedIds)}\n{o.Describe()}");
        }, name, maxTest: 300, endSize: 30, replay: PropertyEnvironment.Replay(name));
        log.WriteLine(found.Message);
        if (found.Failure is { } f) log.WriteLine(f.Message);
        return found;
    }

    /// <summary>Replays the written counterexample in the CLI, as a user would; returns exit code and output.</summary>
    private static (int Exit, string Output) Replay(HuntResult found)
    {
        var line = found.Failure!.ReplayLine;
        int at = line.IndexOf(" -- ", StringComparison.Ordinal);
        var args = line[(at + 4)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var stdout = new StringWriter();
        int exit = Cli.Program.Run(args, stdout, new StringWriter());
        return (exit, stdout.ToString());
    }

    [Fact]
    public void The_variant_breaks_I_P17_and_the_failure_shrinks_to_one_multi_MSI_allocation()
    {
        var found = Hunt(nameof(The_variant_breaks_I_P17_and_the_failure_shrinks_to_one_multi_MSI_allocation), InvariantCatalog.All, output);
        Assert.False(found.Passed, "the seed-001 variant must fail the catalogue");
        var cx = Assert.IsType<Scenario>(found.Counterexample);
        Assert.Contains("I-P17", ScenarioRunner.Run(cx).FailedIds);
        Assert.Equal(1, cx.CallCount);
        var call = cx.Program.Calls.Single();
        Assert.Equal("pci_alloc_irq_vectors", call.Op);
        Assert.Contains("msi", call.Args[3].Text!);
        Assert.Equal("contiguous-multi-msi", cx.Design.Name);
        var (exit, text) = Replay(found);
        Assert.Equal(1, exit);
        Assert.Contains("I-P17", text);
    }

    /// <summary>
    /// I-P17 accepted as the variant's design, the vector layer still breaks on blocks. Seen:
    /// the all-vectors-at-once affinity move (irq_set_affinity on one member while an interrupt
    /// is in flight: effective affinity and requested mask disagree, I-V11, 4 operations), and a
    /// managed (msi|affinity) block allocated as ordinary vectors but freed as managed ones
    /// (matrix accounting I-M3/I-M7/I-M15 at the first pci_free_irq_vectors, 2 operations).
    /// </summary>
    [Fact]
    public void Without_I_P17_the_vector_layer_still_breaks_on_blocks()
    {
        var checks = InvariantCatalog.All.Where(c => c.Id != "I-P17").ToList();
        var found = Hunt(nameof(Without_I_P17_the_vector_layer_still_breaks_on_blocks), checks, output);
        Assert.False(found.Passed, "the seed-001 variant must fail beyond I-P17");
        var cx = Assert.IsType<Scenario>(found.Counterexample);
        var ids = ScenarioRunner.Run(cx, new RunOptions { Checks = checks }).FailedIds.ToList();
        Assert.Contains(ids, id => id.StartsWith("I-M", StringComparison.Ordinal) || id.StartsWith("I-V", StringComparison.Ordinal));
        Assert.InRange(cx.CallCount, 2, 10);
        var alloc = cx.Program.Calls.First(c => c.Op == "pci_alloc_irq_vectors");
        Assert.Contains("msi", alloc.Args[3].Text!);
        var (exit, text) = Replay(found);
        Assert.Equal(1, exit);
        Assert.Contains(ids[0], text);
    }

    /// <summary>
    /// Hot-unplug of a CPU holding a block: lapic_can_unplug_cpu counts single vectors, and
    /// migrate_one_irq moves irqs one by one although a block can only move whole (and only if
    /// some CPU has an aligned free run). Seen: a block whose member 1 is started but member 0
    /// is not — the offline moves the block through member 1 while member 0's state is left
    /// behind, so the device can emit a (CPU, vector) nothing handles (I-V8, 4 operations); and
    /// a block that no CPU can hold stays on the dead CPU (I-V16). (I-P17 and the block-move
    /// I-V11 accepted, only non-managed blocks generated, so the hunt reaches hot-unplug.)
    /// </summary>
    [Fact]
    public void A_block_breaks_when_its_CPU_goes_down()
    {
        var checks = InvariantCatalog.All.Where(c => c.Id is not ("I-P17" or "I-V11")).ToList();
        var found = Hunt(nameof(A_block_breaks_when_its_CPU_goes_down), checks, output, Seed001UnplugScenarios.Scenario());
        Assert.False(found.Passed, "the seed-001 variant must break a block on hot-unplug");
        var cx = Assert.IsType<Scenario>(found.Counterexample);
        var ids = ScenarioRunner.Run(cx, new RunOptions { Checks = checks }).FailedIds.ToList();
        Assert.Contains(ids, id => id is "I-V16" or "I-V8" or "I-V1" or "I-G2");
        Assert.InRange(cx.CallCount, 2, 10);
        var ops = cx.Program.Calls.Select(c => c.Op).ToList();
        Assert.Contains("cpu_offline", ops);
        Assert.Contains("pci_alloc_irq_vectors", ops);
        var (exit, text) = Replay(found);
        Assert.Equal(1, exit);
        Assert.Contains(ids[0], text);
    }
}
