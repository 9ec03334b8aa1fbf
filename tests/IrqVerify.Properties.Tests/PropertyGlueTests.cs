using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using IrqVerify.Testing;
using Xunit.Abstractions;

namespace IrqVerify.Properties.Tests;

/// <summary>Arbitrary provider for the glue tests: small non-negative ints.</summary>
public static class SmallInts
{
    public static Arbitrary<int> Int() => Arb.From(Gen.Choose(0, 9), i => i > 0 ? [i - 1] : []);
}

/// <summary>
/// The thin layer over FsCheck.Xunit: FsCheck.Xunit runs the derived attributes with their options,
/// the environment knobs reach every property, and a failing scenario is shrunk, written where no
/// test run dirties the source tree and replayed by its FsCheck seed.
/// </summary>
[SuiteProperties(MaxTest = 40, Arbitrary = [typeof(SmallInts)], QuietOnSuccess = true)]
public class PropertyGlueTests(ITestOutputHelper output)
{
    // ------------------------------------------------------------------ FsCheck.Xunit at work

    [SuiteProperty(Verbose = true, MaxTest = 5)]
    public void Generated_parameters_come_from_the_class_level_arbitrary(int small) => Assert.InRange(small, 0, 9);

    [SuiteProperty(StartSize = 5, EndSize = 10)]
    public bool A_property_may_return_bool(int a, int b) => a + b == b + a;

    [SuiteProperty(Arbitrary = [typeof(WellBehavedScenarios)], MaxTest = 5)]
    public void A_scenario_parameter_comes_from_the_method_level_arbitrary(Scenario s)
    {
        Assert.Null(s.Origin);
        Assert.NotEqual(0UL, s.Seed);
        output.WriteLine($"generated, seed {s.Seed}: {s.CallCount} operations");
    }

    // ------------------------------------------------------------------ the environment knobs

    [Fact]
    public void The_scale_multiplies_MaxTest_and_keeps_at_least_one_case()
    {
        Assert.Equal(40, PropertyEnvironment.Scale(40, null));
        Assert.Equal(4000, PropertyEnvironment.Scale(40, "100"));
        Assert.Equal(10, PropertyEnvironment.Scale(100, "0.1"));
        Assert.Equal(1, PropertyEnvironment.Scale(3, "0.1"));
        Assert.Equal(40, PropertyEnvironment.Scale(40, "1OO"));   // malformed: ignored here, reported below
    }

    [Fact]
    public void Malformed_knobs_are_named_in_one_line_each()
    {
        Assert.Equal(["IRQVERIFY_PROPERTY_SCALE='1OO': expected a positive number such as 0.1 or 100",
                      "IRQVERIFY_PROPERTY_SEED='11;13': expected \"seed,gamma\", \"seed,gamma,size\" or \"random\""],
            PropertyEnvironment.Problems("1OO", "11;13"));
        Assert.Empty(PropertyEnvironment.Problems("0.1", "(11,13,5)"));
        Assert.Empty(PropertyEnvironment.Problems(null, "random"));
        Assert.Equal(PropertyEnvironment.StableReplay("A.B"), PropertyEnvironment.Replay("A.B", "11;13"));
    }

    /// <summary>Fails this run, with the variable named, when a knob is set but malformed.</summary>
    [Fact]
    public void The_environment_knobs_of_this_run_are_well_formed()
    {
        var problems = PropertyEnvironment.Problems(Environment.GetEnvironmentVariable(PropertyEnvironment.ScaleVar),
            Environment.GetEnvironmentVariable(PropertyEnvironment.SeedVar));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_seed_is_stable_per_property_forced_by_the_variable_or_left_to_FsCheck()
    {
        Assert.Equal("14695981039346656037,12283241082368096167", PropertyEnvironment.StableReplay(""));
        Assert.Equal(PropertyEnvironment.StableReplay("A.B"), PropertyEnvironment.Replay("A.B", null));
        Assert.NotEqual(PropertyEnvironment.StableReplay("A.B"), PropertyEnvironment.StableReplay("A.C"));
        Assert.Equal("11,13,5", PropertyEnvironment.Replay("A.B", " 11,13,5 "));
        Assert.Null(PropertyEnvironment.Replay("A.B", "random"));
    }

    [Fact]
    public void The_attributes_carry_the_scaled_counts_and_the_stable_seed_to_FsCheck_Xunit()
    {
        var m = typeof(InvariantProperties).GetMethod(nameof(InvariantProperties.Well_behaved_programs_run_clean_with_nothing_excused))!;
        var prop = m.GetCustomAttribute<SuitePropertyAttribute>()!;
        Assert.Equal("InvariantProperties.Well_behaved_programs_run_clean_with_nothing_excused", prop.Name);
        Assert.Equal(PropertyEnvironment.Scale(100), prop.MaxTest);
        Assert.Equal(PropertyEnvironment.Replay(prop.Name), prop.Replay);
        Assert.Equal(PropertyEnvironment.Scale(150), typeof(InvariantProperties).GetCustomAttribute<SuitePropertiesAttribute>()!.MaxTest);
        Assert.Equal(PropertyEnvironment.Scale(PropertyEnvironment.DefaultMaxTest),
            typeof(PropertyGlueTests).Assembly.GetCustomAttribute<SuitePropertiesAttribute>()!.MaxTest);
    }

    [Fact]
    public void Every_property_of_the_suite_goes_through_the_knobs()
    {
        var types = typeof(PropertyGlueTests).Assembly.GetTypes();
        var plainMethods = types.SelectMany(t => t.GetMethods())
            .Where(mi => mi.GetCustomAttribute<PropertyAttribute>() is { } a && a is not SuitePropertyAttribute)
            .Select(mi => $"{mi.DeclaringType!.Name}.{mi.Name}").ToList();
        var plainClasses = types.Where(t => t.GetCustomAttribute<PropertiesAttribute>(inherit: false) is { } a && a is not SuitePropertiesAttribute)
            .Select(t => t.Name).ToList();
        Assert.Empty(plainMethods);
        Assert.Empty(plainClasses);
        Assert.True(types.SelectMany(t => t.GetMethods()).Count(mi => mi.GetCustomAttribute<SuitePropertyAttribute>() is not null) >= 10);
    }

    // ------------------------------------------------------------------ failure, files, replay

    private static readonly Action<Scenario> NoRequestAfterOffline = s =>
    {
        bool off = false;
        foreach (var l in s.Program.Calls)
        {
            if (l.Op == "cpu_offline") off = true;
            if (off && l.Op == "request_irq") throw new InvalidOperationException("request_irq after cpu_offline");
        }
    };

    [Fact]
    public void A_failure_is_shrunk_written_outside_the_source_tree_and_replayed_by_its_FsCheck_seed()
    {
        var first = ScenarioHunt.Run(Scenarios.Scenario(), NoRequestAfterOffline, "glue-demo", maxTest: 300, replay: PropertyEnvironment.Replay("glue-demo"));
        output.WriteLine(first.Message);
        Assert.False(first.Passed);
        var cx = Assert.IsType<Scenario>(first.Counterexample);
        Assert.InRange(cx.CallCount, 2, 4);
        Assert.Contains("request_irq(", first.Message);                          // FsCheck prints the shrunk program
        Assert.Contains($"({first.RunSeed})", first.Message);                    // and its seed
        var failure = Assert.IsType<CounterexampleException>(first.Failure);
        Assert.StartsWith("request_irq after cpu_offline\nWritten to ", failure.Message);
        Assert.Contains($" -- run {failure.ProgramFile} --machine {failure.MachineFile} --quiet", failure.ReplayLine);
        Assert.StartsWith(Counterexample.Directory, failure.ProgramFile);
        Assert.DoesNotContain(ScenarioFiles.RepoRoot()!, failure.ProgramFile);
        var (written, _) = ScenarioFiles.Read(failure.ProgramFile);
        Assert.Equal(cx.Program.Calls.Select(c => c.Print()), written.Program.Calls.Select(c => c.Print())); // the shrunk case

        var again = ScenarioHunt.Run(Scenarios.Scenario(), NoRequestAfterOffline, "glue-demo", maxTest: 300, replay: first.RunSeed);
        Assert.Equal(first.Tests, again.Tests);
        Assert.Equal(cx.Program.Print(), again.Counterexample!.Program.Print());

        var direct = ScenarioHunt.Run(Scenarios.Scenario(), NoRequestAfterOffline, "glue-demo", maxTest: 300, replay: first.FailingStep);
        Assert.Equal(1, direct.Tests);
        Assert.Equal(cx.Program.Print(), direct.Counterexample!.Program.Print());
    }

    [Fact]
    public void A_passing_check_writes_nothing()
    {
        var name = "glue-pass-" + Guid.NewGuid().ToString("N");
        var passed = ScenarioHunt.Run(Scenarios.Scenario(), _ => { }, name, maxTest: 20);
        Assert.True(passed.Passed);
        Assert.Equal(20, passed.Tests);
        Assert.False(File.Exists(Path.Combine(Counterexample.Directory, name + ".irq")));
    }
}
