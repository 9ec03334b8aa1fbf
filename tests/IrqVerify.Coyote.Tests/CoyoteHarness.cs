using System.Diagnostics;
using IrqVerify.Explorer;
using IrqVerify.Model;

// Coyote engines share process-wide runtime state (its controlled-use counter, the console); one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace IrqVerify.Coyote.Tests;

/// <summary>Loads scenarios copied beside the tests and runs them under Coyote; CLI helpers.</summary>
public static class CoyoteHarness
{
    public static Scenario Load(string name) => ScenarioParser.Load(Path.Combine(AppContext.BaseDirectory, "scenarios", name + ".scn"));

    public static string ScenarioPath(string name) => Path.Combine(AppContext.BaseDirectory, "scenarios", name + ".scn");

    public static Variants VariantsOf(string? names)
    {
        var v = new Variants();
        foreach (var n in (names ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            Assert.True(v.TryEnable(n), $"unknown variant {n}");
        return v;
    }

    public static CoyoteResult Run(string scenario, string? variants = null, long iterations = 100, ulong seed = 1, string strategy = "portfolio", string? trace = null) =>
        CoyoteExploration.Run(Load(scenario), VariantsOf(variants), new CoyoteOptions
        {
            Strategy = strategy, Seed = seed, Iterations = iterations, ReproducibleTrace = trace,
        });

    /// <summary>A fresh temporary folder for --out.</summary>
    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), $"irqverify-coyote-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>Runs the CLI in this process: (exit code, stdout + stderr).</summary>
    public static (int Code, string Output) RunCli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = IrqVerify.Cli.Program.Run(args, o, e);
        return (code, o.ToString() + e);
    }

    /// <summary>Runs the built CLI in a fresh process: (exit code, stdout + stderr).</summary>
    public static (int Code, string Output) FreshProcess(params string[] args)
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
