using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using IrqVerify.Testing;
using IrqVerify.Xunit;
using Xunit.Abstractions;

namespace IrqVerify.Properties.Tests;

/// <summary>Arbitrary provider for the glue tests: small non-negative ints.</summary>
public static class SmallInts
{
    public static Arbitrary<int> Int() => Arb.From(Gen.Choose(0, 9), i => i > 0 ? [i - 1] : []);
}

/// <summary>The [Property] glue itself: knobs, class-level defaults, replay, timeout, environment.</summary>
[Properties(MaxTest = 40, Arbitrary = [typeof(SmallInts)], QuietOnSuccess = true)]
public class PropertyGlueTests(ITestOutputHelper output)
{
    // ------------------------------------------------------------------ the attribute at work

    [Property(Verbose = true, MaxTest = 5)]
    public void Generated_parameters_come_from_the_class_level_arbitrary(int small) => Assert.InRange(small, 0, 9);

    [Property(StartSize = 5, EndSize = 10, Regressions = false)]
    public bool A_property_may_return_bool(int a, int b) => a + b == b + a;

    [Property(Arbitrary = [typeof(WellBehavedScenarios)], MaxTest = 5)]
    public void A_scenario_parameter_gets_the_pinned_regressions_first(Scenario s)
    {
        Assert.NotNull(s.Machine);
        output.WriteLine(s.Origin ?? $"generated, seed {s.Seed}");
    }

    // ------------------------------------------------------------------ settings

    [Properties(MaxTest = 7, Arbitrary = [typeof(WellBehavedScenarios)])]
    public class Nested
    {
        [Property(EndSize = 3, Arbitrary = [typeof(PciScenarios)])]
        public void Method(int x) => Assert.True(x >= 0);
    }

    [Fact]
    public void Settings_merge_assembly_class_nested_class_and_method_with_the_method_winning()
    {
        var s = PropertySettings.For(typeof(Nested).GetMethod(nameof(Nested.Method))!).WithEnvironment(null, null);
        Assert.Equal(7, s.MaxTest);          // inner class beats outer class
        Assert.Equal(3, s.EndSize);          // method
        Assert.True(s.QuietOnSuccess);       // outer class
        Assert.Equal([typeof(PciScenarios), typeof(WellBehavedScenarios), typeof(SmallInts)], s.Arbitrary);
    }

    [Fact]
    public void The_scale_variable_multiplies_MaxTest_and_the_seed_variable_forces_the_seed()
    {
        var s = new PropertySettings { MaxTest = 40, Replay = "1,3" };
        Assert.Equal(4000, s.WithEnvironment("100", null).MaxTest);
        Assert.Equal(10, new PropertySettings().WithEnvironment("0.1", null).MaxTest);
        var forced = s.WithEnvironment(null, "11,13,5");
        Assert.Equal("11,13,5", forced.Replay);
        Assert.Equal(PropertySettings.SeedVar, forced.ReplaySource);
        Assert.True(s.WithEnvironment(null, "random").RandomSeed);
        Assert.Equal((11UL, 13UL, (int?)5), PropertySettings.ParseReplay("(11,13,5)"));
        Assert.Throws<FormatException>(() => PropertySettings.ParseReplay("11"));
    }

    // ------------------------------------------------------------------ failure, replay, timeout

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
    public void A_failure_is_shrunk_printed_as_a_program_and_replayed_by_its_seed()
    {
        var settings = new PropertySettings { MaxTest = 300 };
        var first = PropertyRunner.Check(Scenarios.Scenario(), NoRequestAfterOffline, settings, output.WriteLine, "glue-demo");
        Assert.False(first.Passed);
        var cx = Assert.IsType<Scenario>(first.Counterexample);
        Assert.InRange(cx.CallCount, 2, 4);
        Assert.Contains("request_irq(", first.Message);
        Assert.Contains($"Replay = \"{first.RunSeed.Seed},{first.RunSeed.Gamma}\"", first.Message);
        Assert.Contains("Replay: dotnet run --project", first.Message);
        Assert.True(File.Exists(first.ProgramFile));

        var again = PropertyRunner.Check(Scenarios.Scenario(), NoRequestAfterOffline,
            settings with { Replay = $"{first.RunSeed.Seed},{first.RunSeed.Gamma}" }, output.WriteLine, "glue-demo");
        Assert.Equal(first.Tests, again.Tests);
        Assert.Equal(cx.Program.Print(), again.Counterexample!.Program.Print());

        var step = first.FailingStep;
        var direct = PropertyRunner.Check(Scenarios.Scenario(), NoRequestAfterOffline,
            settings with { Replay = $"{step.Seed},{step.Gamma},{step.Size}" }, output.WriteLine, "glue-demo");
        Assert.Equal(1, direct.Tests);
        Assert.Equal(cx.Program.Print(), direct.Counterexample!.Program.Print());
    }

    [Fact]
    public void The_default_seed_is_stable_per_property_so_CI_runs_are_deterministic()
    {
        var a = PropertyRunner.Check(Scenarios.Scenario(), NoRequestAfterOffline, new PropertySettings { MaxTest = 300 }, _ => { }, "stable");
        var b = PropertyRunner.Check(Scenarios.Scenario(), NoRequestAfterOffline, new PropertySettings { MaxTest = 300 }, _ => { }, "stable");
        Assert.Equal(a.RunSeed, b.RunSeed);
        Assert.Equal(a.Counterexample?.ToString(), b.Counterexample?.ToString());
    }

    [Fact]
    public void Timeout_is_honoured()
    {
        var sw = Stopwatch.StartNew();
        var o = PropertyRunner.Check(Arb.From(Gen.Choose(0, 9)), _ => Thread.Sleep(20),
            new PropertySettings { MaxTest = 10_000, Timeout = 300 }, output.WriteLine, "slow");
        sw.Stop();
        Assert.True(o.TimedOut);
        Assert.False(o.Passed);
        Assert.Contains("Timeout of 300 ms exceeded", o.Message);
        Assert.True(sw.ElapsedMilliseconds < 5_000, $"took {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Quiet_on_success_writes_nothing_and_a_pass_logs_the_seed_otherwise()
    {
        var lines = new List<string>();
        PropertyRunner.Check(Arb.From(Gen.Choose(0, 9)), _ => { }, new PropertySettings { MaxTest = 5, QuietOnSuccess = true }, lines.Add, "quiet");
        Assert.Empty(lines);
        PropertyRunner.Check(Arb.From(Gen.Choose(0, 9)), _ => { }, new PropertySettings { MaxTest = 5 }, lines.Add, "loud");
        Assert.Contains(lines, l => l.StartsWith("Ok, loud passed 5 test(s) (seed ", StringComparison.Ordinal));
    }
}
