using FsCheck;
using FsCheck.Fluent;
using IrqVerify.Designs.ContiguousMultiMsi;
using IrqVerify.Model;
using IrqVerify.Model.Designs;

namespace IrqVerify.Testing;

/// <summary>
/// FsCheck arbitraries over scenarios: generation expands one FsCheck-drawn seed with the
/// deterministic generators (so FsCheck's replay seed reproduces the case), shrinking is
/// <see cref="ProgramShrinker"/> (program level, well typed).
/// </summary>
public static class ScenarioArb
{
    public static Arbitrary<Scenario> Of(ProgramProfile? program = null, MachineProfile? machines = null,
        IReadOnlyList<string>? variants = null, MachineConfig? machine = null, Design? design = null)
    {
        var gen = Gen.Sized(size =>
            from hi in Gen.Choose(0, int.MaxValue)
            from lo in Gen.Choose(0, int.MaxValue)
            select ScenarioGenerator.Generate(((ulong)hi << 31) ^ (ulong)lo, size, program, machines, variants, machine, design));
        return Arb.From(gen, Shrink);
    }

    /// <summary>Scenarios on one fixed machine (a user's design): a JSON file, or a name in
    /// models/machines such as "tiny-window".</summary>
    public static Arbitrary<Scenario> OnMachine(string machine, ProgramProfile? program = null, IReadOnlyList<string>? variants = null) =>
        Of(program, variants: variants, machine: ScenarioFiles.ResolveMachine(machine, Directory.GetCurrentDirectory(), machine));

    public static IEnumerable<Scenario> Shrink(Scenario s) =>
        ProgramShrinker.Candidates(s.Program, s.Machine).Select(s.WithProgram);
}

/// <summary>[Property(Arbitrary = [typeof(Scenarios)])] provider: generated machines, the default program mix (with misuse).</summary>
public static class Scenarios
{
    public static Arbitrary<Scenario> Scenario() => ScenarioArb.Of();
}

/// <summary>Provider: programs a correct driver could issue (no misuse).</summary>
public static class WellBehavedScenarios
{
    public static Arbitrary<Scenario> Scenario() => ScenarioArb.Of(ProgramProfile.WellBehaved);
}

/// <summary>Provider: PCI-only programs (enable, request, raise, teardown, hotplug), no Xen.</summary>
public static class PciScenarios
{
    public static Arbitrary<Scenario> Scenario() => ScenarioArb.Of(ProgramProfile.Pci, MachineProfile.Default with { XenPercent = 0, NoXen = true });
}

/// <summary>Provider: Xen-only programs on machines that always have a Xen guest.</summary>
public static class XenScenarios
{
    public static Arbitrary<Scenario> Scenario() => ScenarioArb.Of(ProgramProfile.Xen, MachineProfile.Default with { XenPercent = 100 });
}

/// <summary>Provider: the seed-001 hunt on the contiguous multi-MSI design.</summary>
public static class Seed001Scenarios
{
    public static Arbitrary<Scenario> Scenario() =>
        ScenarioArb.Of(ProgramProfile.Seed001, MachineProfile.Seed001, design: new ContiguousMultiMsiDesign());
}

/// <summary>Provider: the seed-001 hot-unplug hunt (non-managed blocks, exhaustion, CPU offline).</summary>
public static class Seed001UnplugScenarios
{
    public static Arbitrary<Scenario> Scenario() =>
        ScenarioArb.Of(ProgramProfile.Seed001Unplug, MachineProfile.Seed001, design: new ContiguousMultiMsiDesign());
}
