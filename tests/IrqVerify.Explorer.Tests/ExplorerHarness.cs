using System.Diagnostics;
using IrqVerify.Explorer;
using IrqVerify.Model;

namespace IrqVerify.Explorer.Tests;

/// <summary>
/// xunit integration: run a scenario under a strategy and budget inside a test. A failure fails the
/// test with the violated ids, the minimized decision log, its timeline and the replay line.
/// CI budgets are small; IRQVERIFY_EXPLORE_LONG=1 multiplies them for long runs.
/// </summary>
public static class ExplorerHarness
{
    public static bool Long => Environment.GetEnvironmentVariable("IRQVERIFY_EXPLORE_LONG") == "1";

    /// <summary>Scales a CI iteration count for long runs.</summary>
    public static long Iterations(long ci) => Long ? ci * 50 : ci;

    public static string ScenarioPath(string name) => Path.Combine(AppContext.BaseDirectory, "scenarios", name + ".scn");

    public static Scenario Load(string name) => ScenarioParser.Load(ScenarioPath(name));

    public static Variants VariantsOf(params string[] names)
    {
        var v = new Variants();
        foreach (var n in names) Assert.True(v.TryEnable(n), n);
        return v;
    }

    /// <summary>Explores and returns the result (no assertion).</summary>
    public static ExploreResult Explore(string scenario, string strategy, long? iterations = null, TimeSpan? budget = null, ulong seed = 1, params string[] variants)
    {
        var s = Load(scenario);
        return Exploration.Run(s, VariantsOf(variants), new ExploreOptions { Strategy = strategy, Seed = seed, Iterations = iterations, Budget = budget });
    }

    /// <summary>Fails the test, printing the minimized counterexample and the replay line, if a schedule fails.</summary>
    public static ExploreResult AssertNoViolation(string scenario, string strategy, long? iterations = null, TimeSpan? budget = null, ulong seed = 1, params string[] variants)
    {
        var r = Explore(scenario, strategy, iterations, budget, seed, variants);
        if (r.Ok) return r;
        var s = Load(scenario);
        var v = VariantsOf(variants);
        string file = WriteSchedule(s, v, r);
        var replay = Replayer.Run(s, v, r.Minimized!.Log);
        Assert.Fail($"{scenario} ({r.Strategy}, seed {seed}): {r.Minimized.Summary} after {r.FoundAt} schedule(s)\n" +
                    string.Join("\n", r.Minimized.Messages.Take(5)) + "\n\ndecision log:\n" + r.Minimized.FormatLog() +
                    "\ntimeline:\n" + replay.Timeline.Print() + $"\nreplay: irqverify replay {file}");
        return r;
    }

    /// <summary>Writes the minimized failing schedule to a temporary file; returns its path.</summary>
    public static string WriteSchedule(Scenario s, Variants v, ExploreResult r)
    {
        string file = Path.Combine(Path.GetTempPath(), $"irqverify-{s.Name}-{string.Join("-", v.Enabled())}-{Environment.ProcessId}-{Guid.NewGuid():N}.schedule");
        ScheduleFile.From(s, v, r.Minimized!, $"{r.Strategy}, schedule {r.FoundAt}").Save(file);
        return file;
    }

    /// <summary>Runs the built CLI in a fresh process: (exit code, stdout+stderr).</summary>
    public static (int Code, string Output) RunCli(params string[] args)
    {
        string dll = typeof(IrqVerify.Cli.Program).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), "irqverify did not finish within 120 s");
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
