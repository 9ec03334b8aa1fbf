using System.Diagnostics;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace IrqVerify.Fuzz.Tests;

/// <summary>What the tests that drive built programs and external tools share: the repository,
/// the build configuration, process runs, tool checks.</summary>
internal static class External
{
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "IrqVerify.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    /// <summary>The configuration this test assembly was built in (the fuzz harness and the CLI are built with it).</summary>
    public static string Config => AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";

    public static (int Code, string Output) Exec(string file, string args, IDictionary<string, string>? env = null, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (env is not null) foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs)) { p.Kill(true); p.WaitForExit(); }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Fails with one line naming the missing tool and how to install it.</summary>
    public static void RequireTool(string command, string package)
    {
        var (code, _) = Exec("sh", $"-c \"command -v {command}\"");
        Assert.True(code == 0, $"{command} not found: install it with tests/install-deps.sh (apt-get install {package})");
    }

    /// <summary>Whether the assembly at <paramref name="path"/> references an assembly named <paramref name="name"/>
    /// (sharpfuzz-instrumented code references SharpFuzz.Common).</summary>
    public static bool References(string path, string name)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        return md.AssemblyReferences.Any(h => md.GetString(md.GetAssemblyReference(h).Name) == name);
    }
}
