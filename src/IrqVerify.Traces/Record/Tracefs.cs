using System.Diagnostics;

namespace IrqVerify.Traces.Record;

/// <summary>
/// A private ftrace instance (tracefs instances/NAME: its own buffer, events and trace_marker), so
/// recording never disturbs global tracing. tracefs is mounted at a temporary directory when
/// /sys/kernel/tracing is empty, and unmounted again on dispose.
/// </summary>
public sealed class Tracefs : IDisposable
{
    private const string Standard = "/sys/kernel/tracing";
    private readonly string? _mounted;

    public string Root { get; }
    public string Instance { get; }

    private Tracefs(string root, string? mounted, string instance)
    {
        Root = root;
        _mounted = mounted;
        Instance = instance;
    }

    public static Tracefs Open(string name)
    {
        string root = Standard;
        string? mounted = null;
        if (!Directory.Exists(Path.Combine(root, "events")))
        {
            mounted = Path.Combine(Path.GetTempPath(), "irqverify-tracefs-" + Environment.ProcessId);
            Directory.CreateDirectory(mounted);
            if (Exec("mount", "-t", "tracefs", "nodev", mounted) != 0 || !Directory.Exists(Path.Combine(mounted, "events")))
            {
                try { Directory.Delete(mounted); } catch (IOException) { }
                throw new RecordException($"tracefs: {Standard} is empty and 'mount -t tracefs nodev {mounted}' failed");
            }
            root = mounted;
        }
        if (!Directory.Exists(Path.Combine(root, "events", "irq_matrix")))
        {
            Unmount(mounted);
            throw new RecordException("tracefs has no irq_matrix events: the kernel lacks the irq_matrix tracepoints (CONFIG_GENERIC_IRQ_MATRIX_ALLOCATOR, x86)");
        }
        string inst = Path.Combine(root, "instances", name);
        try { Directory.CreateDirectory(inst); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Unmount(mounted);
            throw new RecordException($"tracefs: cannot create instance {inst}: {e.Message}");
        }
        return new Tracefs(root, mounted, inst);
    }

    public void Write(string file, string text) => File.WriteAllText(Path.Combine(Instance, file), text);

    public void Append(string file, string text)
    {
        using var f = new FileStream(Path.Combine(Instance, file), FileMode.Append, FileAccess.Write);
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        f.Write(bytes);
    }

    public string Read(string file) => File.ReadAllText(Path.Combine(Instance, file));

    /// <summary>A line in the trace (ftrace's trace_marker; shows up as tracing_mark_write).</summary>
    public void Mark(string text) => Write("trace_marker", text + "\n");

    public void Dispose()
    {
        try
        {
            Write("tracing_on", "0");
            Write("set_event", "");
        }
        catch (IOException) { }
        try { Directory.Delete(Instance); } catch (IOException) { }
        Unmount(_mounted);
    }

    private static void Unmount(string? dir)
    {
        if (dir == null) return;
        Exec("umount", dir);
        try { Directory.Delete(dir); } catch (IOException) { }
    }

    internal static int Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new RecordException($"cannot start {file}");
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode;
    }
}
