using System.CommandLine;
using IrqVerify.Traces.Check;
using IrqVerify.Traces.Format;
using IrqVerify.Traces.Record;

namespace IrqVerify.Cli.Commands;

/// <summary>
/// irqverify trace record [--out FILE] [--workload rebind,affinity] [--device BDF]: records the
/// running kernel's irq_matrix / vector events during a workload on a safe device (exit 2 with one
/// line when Linux, root, tracefs or a safe device is missing). irqverify trace check FILE: replays
/// the trace into the model (exit 0 agrees, 1 first divergence, 2 malformed trace).
/// </summary>
public static class TraceCommand
{
    public const string DefaultOutDir = "irqverify-out";

    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var cmd = new Command("trace", "Record the running kernel's vector-matrix trace, or check a trace against the model");
        cmd.Subcommands.Add(Record(stdout, stderr));
        cmd.Subcommands.Add(Check(stdout, stderr));
        return cmd;
    }

    private static Command Record(TextWriter stdout, TextWriter stderr)
    {
        var outOpt = new Option<string?>("--out") { Description = $"Trace file to write, or a folder for it (default: {DefaultOutDir}/)" };
        var workload = new Option<string>("--workload") { Description = "Comma-separated: rebind (unbind/bind the device's PCI driver), affinity (move each irq over every CPU)", DefaultValueFactory = _ => "rebind,affinity" };
        var device = new Option<string?>("--device") { Description = "PCI address (BDF) of the device; default: a virtio-rng or virtio-balloon. Block, network and vsock devices are refused" };
        var cmd = new Command("record", "Record irq_matrix and vector events of the running kernel during a short workload") { outOpt, workload, device };
        cmd.SetAction(p => ExecuteRecord(p.GetValue(outOpt), p.GetValue(workload)!, p.GetValue(device), stdout, stderr));
        return cmd;
    }

    private static Command Check(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "ftrace text (as written by trace record, or a raw /sys/kernel/tracing/trace dump)" };
        var cmd = new Command("check", "Replay a kernel trace into the model and compare counters and choices after every event") { file };
        cmd.SetAction(p => ExecuteCheck(p.GetValue(file)!, stdout, stderr));
        return cmd;
    }

    public static int ExecuteRecord(string? outPath, string workloads, string? device, TextWriter stdout, TextWriter stderr)
    {
        var set = new SortedSet<string>(workloads.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
        var unknown = set.Where(w => !TraceRecorder.KnownWorkloads.Contains(w)).ToList();
        if (set.Count == 0 || unknown.Count > 0)
        {
            stderr.WriteLine($"--workload: unknown '{string.Join(",", unknown)}' (known: {string.Join(", ", TraceRecorder.KnownWorkloads)})");
            return ExitCodes.BadInput;
        }
        string path = ResolveOut(outPath);
        try
        {
            stdout.WriteLine(TraceRecorder.Record(new RecordOptions(path, set, device), stdout));
            stdout.WriteLine($"check: irqverify trace check {path}");
            return ExitCodes.Clean;
        }
        catch (RecordException e)
        {
            stderr.WriteLine("trace record: " + e.Message);
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // sysfs/procfs/tracefs refused a write (device busy, irq not movable, ...): the machine cannot record.
            stderr.WriteLine("trace record: " + e.Message);
            return ExitCodes.BadInput;
        }
    }

    /// <summary>A folder (existing, or ending in '/') gets a file named after the kernel; anything else is the file.</summary>
    private static string ResolveOut(string? outPath)
    {
        string release = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "unknown";
        string name = $"trace-{release}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.trace";
        if (outPath == null) return Path.Combine(DefaultOutDir, name);
        if (Directory.Exists(outPath) || outPath.EndsWith('/')) return Path.Combine(outPath, name);
        return outPath;
    }

    public static int ExecuteCheck(string file, TextWriter stdout, TextWriter stderr)
    {
        TraceFile trace;
        try { trace = TraceParser.ParseFile(file); }
        catch (TraceFormatException e)
        {
            stderr.WriteLine(e.Message);
            return ExitCodes.BadInput;
        }
        var result = TraceChecker.Check(trace);
        result.Print(stdout);
        return result.Agrees ? ExitCodes.Clean : ExitCodes.Found;
    }
}
