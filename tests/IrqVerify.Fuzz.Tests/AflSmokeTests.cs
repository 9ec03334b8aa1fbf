using System.Diagnostics;
using IrqVerify.Fuzz;
using IrqVerify.Instrument;

namespace IrqVerify.Fuzz.Tests;

/// <summary>
/// CI smoke test of the AFL++ bridge: instrument the model, compile the hang-safe proxy, let afl-fuzz
/// drive the persistent harness with K6 re-injected until the first crash, and triage that crash into
/// a replayable minimized program. Needs afl-fuzz and gcc (tests/install-deps.sh installs afl++).
/// </summary>
[CollectionDefinition("afl", DisableParallelization = true)]
public class AflCollection;

[Collection("afl")]
public class AflSmokeTests
{
    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "IrqVerify.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)), true);
    }

    private static (int Code, string Output) Exec(string file, string args, IDictionary<string, string>? env = null, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (env is not null) foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs)) { p.Kill(true); p.WaitForExit(); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    [Fact]
    public void Afl_finds_K6_through_the_proxy_and_triage_turns_it_into_a_replayable_program()
    {
        string root = RepoRoot();
        string config = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";
        string work = Path.Combine(Path.GetTempPath(), "irqverify-afl-smoke-" + Environment.ProcessId);
        if (Directory.Exists(work)) Directory.Delete(work, true);
        string bin = Path.Combine(work, "bin");
        Copy(Path.Combine(root, "fuzz", "harness", "bin", config, "net10.0"), bin);
        var r = Instrumenter.Run(Path.Combine(root, "models", "IrqVerify.Model", "bin", config, "net10.0", "IrqVerify.Model.dll"),
                                 Path.Combine(bin, "IrqVerify.Model.dll"), Path.Combine(bin, "IrqVerify.Coverage.dll"), 32768);
        Assert.True(r.Blocks > 1000);
        var gcc = Exec("gcc", $"-O2 -o {bin}/afl-persist-proxy {root}/fuzz/afl-persist-proxy.c");
        Assert.True(gcc.Code == 0, gcc.Output);

        string seeds = Path.Combine(work, "seeds");
        Directory.CreateDirectory(seeds);
        File.WriteAllBytes(Path.Combine(seeds, "seed0"), ByteFormat.Encode(FuzzProgram.From(
            Model.Program.ProgramParser.Parse("irq = vector_alloc({1}, none)\nrequest_irq(irq)\n", "seed", Kit.Table.Machine), Kit.Table), Kit.Table)!);
        string outDir = Path.Combine(work, "out");
        string shm = Path.Combine("/dev/shm", "irqverify-afl-smoke-" + Environment.ProcessId);
        Directory.CreateDirectory(shm);
        var env = new Dictionary<string, string>
        {
            ["AFL_NO_UI"] = "1", ["AFL_SKIP_CPUFREQ"] = "1", ["AFL_BENCH_UNTIL_CRASH"] = "1",
            ["AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES"] = "1", ["AFL_FORKSRV_INIT_TMOUT"] = "60000", ["AFL_TMPDIR"] = shm,
        };
        var afl = Exec("afl-fuzz", $"-i {seeds} -o {outDir} -V 80 -t 5000 -m none -x {root}/fuzz/irqverify.dict -- {bin}/afl-persist-proxy {bin}/irqverify-afl --variant K6 --only I-P6", env, 100_000);
        Directory.Delete(shm, true);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "irqverify-afl-smoke.log"), afl.Output);
        string crashes = Path.Combine(outDir, "default", "crashes");
        Assert.True(Directory.Exists(crashes) && Directory.GetFiles(crashes, "id:*").Length > 0, afl.Output[Math.Max(0, afl.Output.Length - 3000)..]);

        string findings = Path.Combine(work, "findings");
        var so = new StringWriter();
        Assert.Equal(1, Cli.Program.Run(["fuzz", "--triage", crashes, "--out", findings, "--variant", "K6"], so, new StringWriter()));
        string file = Path.Combine(findings, "I-P6.irq");
        Assert.True(File.Exists(file), so.ToString());
        Assert.Contains("replay: irqverify run", File.ReadAllText(file));
        Assert.Equal(1, Cli.Program.Run(["run", file, "--machine", Path.Combine(findings, "machine.json"), "--variant", "K6", "--quiet"], new StringWriter(), new StringWriter()));
        Assert.Equal(0, Cli.Program.Run(["run", file, "--machine", Path.Combine(findings, "machine.json"), "--quiet"], new StringWriter(), new StringWriter()));
        Directory.Delete(work, true);
    }
}
