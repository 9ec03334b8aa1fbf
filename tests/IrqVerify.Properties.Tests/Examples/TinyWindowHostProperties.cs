using FsCheck;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests.Examples;

/// <summary>The design under test, as an FsCheck arbitrary: the host of models/machines/tiny-window.json
/// (2 CPUs, 8-slot window, so vectors run out), driven by PCI programs a correct driver could issue (enable, request, raise, teardown, hotplug, injected allocation failures).</summary>
public static class TinyWindowHost
{
    public static Arbitrary<Scenario> Scenario() => ScenarioArb.OnMachine("tiny-window", ProgramProfile.Pci);
}

/// <summary>
/// The worked example of docs/properties.md: properties a user writes for their own design. One
/// uses the whole catalogue, one states a claim of the design in plain code. (Inside this suite
/// they are [SuiteProperty]; in a project of your own, FsCheck.Xunit's [Property] as it is.)
/// </summary>
[SuiteProperties(Arbitrary = [typeof(TinyWindowHost)], MaxTest = 100, EndSize = 30)]
public class TinyWindowHostProperties
{
    /// <summary>Every invariant after every step, refinement, eventual invariants after a drain.</summary>
    [SuiteProperty]
    public void Correct_drivers_run_clean_on_the_host(Scenario s) => Counterexample.AssertClean(s);

    /// <summary>The design's claim: when enabling a device's MSI/MSI-X fails on this crowded
    /// window, every vector it took is given back.</summary>
    [SuiteProperty]
    public void A_failed_enable_gives_every_vector_back(Scenario s) => Counterexample.Check(s, _ =>
    {
        var st = new ProgramStepper(s.Boot());
        foreach (var line in s.Program.Calls)
        {
            int before = st.Machine.Matrix.GlobalAvailable;
            var (_, _, r) = st.Step(line);
            if (line.Op == "pci_alloc_irq_vectors" && !r.Ok)
                Assert.True(before == st.Machine.Matrix.GlobalAvailable,
                    $"{line.Print()} failed with {r} but global_available went {before} -> {st.Machine.Matrix.GlobalAvailable}");
        }
    });

    /// <summary>The claim is not vacuous: on this host a fair share of generated programs has a failing enable.</summary>
    [Fact]
    public void Enables_fail_often_enough_on_the_host_to_test_the_claim()
    {
        var host = ScenarioFiles.ResolveMachine("tiny-window", ".", "tiny-window");
        int withFailure = Enumerable.Range(1, 100).Count(i =>
        {
            var s = ScenarioGenerator.Generate((ulong)i, 30, ProgramProfile.Pci, machine: host);
            var st = new ProgramStepper(s.Boot());
            return s.Program.Calls.Any(l => st.Step(l) is var (_, _, r) && l.Op == "pci_alloc_irq_vectors" && !r.Ok);
        });
        Assert.InRange(withFailure, 25, 100); // 38 of 100
    }
}
