using IrqVerify.Cli;

namespace IrqVerify.Traces.Tests;

/// <summary>Shared helpers: the repository's shipped traces, temp copies, running the CLI in-process.</summary>
internal static class TraceKit
{
    public const string RngTrace = "linux-6.18.44-virtio-rng-rebind-affinity.trace";
    public const string BalloonTrace = "linux-6.18.44-virtio-balloon-rebind-affinity.trace";
    public const string AfterHotplugTrace = "linux-6.18.44-virtio-rng-after-hotplug.trace";

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "IrqVerify.sln"))) return d.FullName;
        throw new InvalidOperationException("IrqVerify.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Shipped(string name) => Path.Combine(RepoRoot(), "models", "traces", name);

    public static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>A temp copy of a shipped trace with <paramref name="edit"/> applied to its lines.</summary>
    public static string Mutated(string name, Func<List<string>, List<string>> edit)
    {
        var lines = File.ReadAllLines(Shipped(name)).ToList();
        string dir = Path.Combine(Path.GetTempPath(), "irqverify-traces-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllLines(path, edit(lines));
        return path;
    }

    /// <summary>Removes the temp folder of each path (a file or folder made by <see cref="Mutated"/> or a test).</summary>
    public static void Delete(IEnumerable<string> paths)
    {
        foreach (var p in paths)
        {
            string? dir = Path.GetDirectoryName(p);
            if (dir != null && Directory.Exists(dir) && Path.GetFileName(dir).StartsWith("irqverify-", StringComparison.Ordinal))
                Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Index of the <paramref name="nth"/> (0-based) line containing every one of <paramref name="parts"/>.</summary>
    public static int Find(List<string> lines, int nth, params string[] parts)
    {
        int seen = 0;
        for (int i = 0; i < lines.Count; i++)
            if (!lines[i].StartsWith('#') && parts.All(p => lines[i].Contains(p, StringComparison.Ordinal)) && seen++ == nth) return i;
        throw new InvalidOperationException($"no line #{nth} with {string.Join(" & ", parts)}");
    }
}
