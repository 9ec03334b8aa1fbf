using IrqVerify.Testing;
using Xunit.Abstractions;

namespace IrqVerify.Properties.Tests;

/// <summary>
/// Issue 3 item 5: on generated machines and programs (seed-weighted, with a share of misuse),
/// every safety invariant holds after every atomic step, every operation refines the abstract
/// specification (REFINE), and after a drain every eventual invariant holds. Violations the
/// program caused by its own misuse (the model reports a Misuse with the same id) are excused.
/// </summary>
[SuiteProperties(Arbitrary = [typeof(Scenarios)], MaxTest = 150, EndSize = 40)]
public class InvariantProperties(ITestOutputHelper output)
{
    [SuiteProperty]
    public void Every_invariant_after_every_step_refinement_and_eventual_after_drain(Scenario s)
    {
        var o = Counterexample.AssertClean(s);
        if (o.Excused.Count > 0) output.WriteLine($"excused (caller misuse): {string.Join(", ", o.Excused.Select(e => e.Violation.Id).Distinct())}");
    }

    /// <summary>Programs a correct driver could issue: no misuse, so nothing may be excused either.</summary>
    [SuiteProperty(Arbitrary = [typeof(WellBehavedScenarios)], MaxTest = 100)]
    public void Well_behaved_programs_run_clean_with_nothing_excused(Scenario s) => Counterexample.AssertClean(s);
}
