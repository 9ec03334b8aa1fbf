namespace IrqVerify.Fuzz.Tests;

/// <summary>
/// CI test of the AFL++ campaign through SharpFuzz: run-fuzz.sh drives the harness (model copy
/// instrumented by sharpfuzz, SharpFuzz's out-of-process fork server) with K6 re-injected until the
/// first crash, and its triage turns that crash into a replayable minimized program. Needs afl-fuzz
/// (tests/install-deps.sh installs afl++).
/// </summary>
[CollectionDefinition("afl", DisableParallelization = true)]
public class AflCollection;

[Collection("afl")]
public class AflSmokeTests
{
    [Fact]
    public void Run_fuzz_finds_K6_through_SharpFuzz_and_AFL_and_triage_turns_it_into_a_replayable_program()
    {
        External.RequireTool("afl-fuzz", "afl++");
        string root = External.RepoRoot(), config = External.Config;
        string work = Path.Combine(Path.GetTempPath(), "irqverify-afl-smoke-" + Environment.ProcessId);
        if (Directory.Exists(work)) Directory.Delete(work, true);
        // The harness runs a sharpfuzz-instrumented copy; the Model project's own build stays pristine.
        Assert.True(External.References(Path.Combine(root, "fuzz", "harness", "bin", config, "net10.0", "IrqVerify.Model.dll"), "SharpFuzz.Common"));
        Assert.False(External.References(Path.Combine(root, "models", "IrqVerify.Model", "bin", config, "net10.0", "IrqVerify.Model.dll"), "SharpFuzz.Common"));

        // One -S instance: a main (-M) starts with AFL's slow deterministic stages (49 s to K6 here, against 10 s).
        string outDir = Path.Combine(work, "out");
        var campaign = External.Exec("bash", $"{root}/run-fuzz.sh -j 1 --secondary-only --variant K6 --only I-P6 --until-crash --time 80 --no-build -c {config} --out {outDir}", timeoutMs: 110_000);
        string log = Path.Combine(outDir, "logs", "sec0.log");
        string crashes = Path.Combine(outDir, "sec0", "crashes");
        Assert.True(Directory.Exists(crashes) && Directory.GetFiles(crashes, "id:*").Length > 0,
            campaign.Output + (File.Exists(log) ? File.ReadAllText(log)[^Math.Min(3000, (int)new FileInfo(log).Length)..] : ""));
        Assert.Contains("started sec0", campaign.Output);

        string findings = Path.Combine(work, "findings");
        var triage = External.Exec("bash", $"{root}/run-fuzz.sh triage --variant K6 -c {config} --out {outDir} --findings {findings}");
        Assert.True(triage.Code == 0, triage.Output);
        Assert.Contains("FAIL [I-P6]", triage.Output);
        string file = Path.Combine(findings, "I-P6.irq");
        Assert.True(File.Exists(file), triage.Output);
        Assert.Contains("replay: irqverify run", File.ReadAllText(file));
        string machine = Path.Combine(findings, "machine.json");
        Assert.Equal(1, Cli.Program.Run(["run", file, "--machine", machine, "--variant", "K6", "--quiet"], new StringWriter(), new StringWriter()));
        Assert.Equal(0, Cli.Program.Run(["run", file, "--machine", machine, "--quiet"], new StringWriter(), new StringWriter()));
        Directory.Delete(work, true);
    }
}
