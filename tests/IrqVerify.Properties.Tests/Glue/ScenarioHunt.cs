using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>What one FsCheck run over scenarios found, for tests that assert on a failure instead of failing.</summary>
public sealed class HuntResult(TestResult result)
{
    public TestResult Result { get; } = result;
    public bool Passed => Result is TestResult.Passed;
    public int Tests => Result switch { TestResult.Passed p => p.Item1.NumberOfTests, TestResult.Failed f => f.Item1.NumberOfTests, TestResult.Exhausted e => e.Item.NumberOfTests, _ => 0 };
    public int Shrinks => Result is TestResult.Failed f ? f.Item1.NumberOfShrinks : 0;
    /// <summary>The shrunk scenario.</summary>
    public Scenario? Counterexample => Result is TestResult.Failed f ? f.Item3.OfType<Scenario>().FirstOrDefault() : null;
    /// <summary>The shrunk case's failure, with its files and replay line.</summary>
    public CounterexampleException? Failure => Result is TestResult.Failed { Item4: Outcome.Failed { Item: CounterexampleException e } } ? e : null;
    /// <summary>FsCheck's start seed: Replay = this reruns the whole run.</summary>
    public string RunSeed => Result is TestResult.Failed f ? $"{f.Item5.Seed},{f.Item5.Gamma}" : "";
    /// <summary>FsCheck's failing step before shrinking: Replay = this jumps straight to it.</summary>
    public string FailingStep => Result is TestResult.Failed f ? $"{f.Item6.Seed},{f.Item6.Gamma},{f.Item7}" : "";
    /// <summary>FsCheck's own failure text (what FsCheck.Xunit puts in a failed test's message).</summary>
    public string Message => Runner.onFinishedToString("", Result);
}

/// <summary>
/// Runs FsCheck itself (Prop.ForAll + Check, FsCheck.Xunit's capturing XunitRunner) over a scenario
/// arbitrary, each case through <see cref="IrqVerify.Testing.Counterexample.Check"/>, and returns the
/// result for the test to assert on: the seed-001 hunts expect a failure and check its shrunk size.
/// </summary>
public static class ScenarioHunt
{
    public static HuntResult Run(Arbitrary<Scenario> arb, Action<Scenario> check, string name, int maxTest, int endSize = 100, string? replay = null)
    {
        var runner = new XunitRunner();
        var cfg = Config.Quick.WithMaxTest(maxTest).WithEndSize(endSize).WithRunner(runner).WithName(name);
        if (replay is not null)
        {
            var p = replay.Trim('(', ')', ' ').Split(',', StringSplitOptions.TrimEntries);
            ulong seed = ulong.Parse(p[0], CultureInfo.InvariantCulture), gamma = ulong.Parse(p[1], CultureInfo.InvariantCulture);
            cfg = p.Length == 3 ? cfg.WithReplay(seed, gamma, int.Parse(p[2], CultureInfo.InvariantCulture)) : cfg.WithReplay(seed, gamma);
        }
        Prop.ForAll(arb, (Scenario s) => IrqVerify.Testing.Counterexample.Check(s, check, name)).Check(cfg);
        return new HuntResult(runner.Result);
    }
}
