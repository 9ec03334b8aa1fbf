using System.Globalization;
using System.Text;

namespace IrqVerify.Traces.Record;

/// <summary>What to record: which workloads, on which device, where to write.</summary>
public sealed record RecordOptions(string OutPath, IReadOnlySet<string> Workloads, string? Device, int Rounds = 2);

/// <summary>
/// Records irq_matrix:* and irq_vectors:vector_* events of the running kernel while a short
/// workload runs on a device that is safe to lose for a moment: unbind and rebind its PCI driver
/// (frees its MSI-X vectors under reservation mode and allocates them again), then move each of
/// its irqs to every online CPU in turn through /proc/irq/N/smp_affinity_list and back. Each
/// workload runs twice: the second round's choices depend only on slots the first one showed,
/// so the checker can compare them. The trace
/// gets the kernel version, the matrix geometry, the device and /proc/interrupts before and after;
/// trace_marker lines tell the checker which affinity each irq had.
/// </summary>
public static class TraceRecorder
{
    public static readonly string[] KnownWorkloads = ["rebind", "affinity"];

    private static readonly string[] VectorEvents =
        ["activate", "alloc", "alloc_managed", "clear", "config", "deactivate", "free_moved", "reserve", "reserve_managed", "setup", "teardown", "update"];

    /// <summary>Records into <see cref="RecordOptions.OutPath"/>; returns a one-line summary.</summary>
    public static string Record(RecordOptions o, TextWriter log)
    {
        if (!OperatingSystem.IsLinux()) throw new RecordException("trace record needs Linux (tracefs and /proc/irq)");
        if (!Environment.IsPrivilegedProcess) throw new RecordException("trace record needs root (tracefs, PCI driver unbind/bind, /proc/irq/N/smp_affinity_list)");
        var device = SafeDevice.Find(o.Device);
        using var exclusive = Exclusive();
        string kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        int cpus = CountList(File.ReadAllText("/sys/devices/system/cpu/possible").Trim());
        var online = ParseList(File.ReadAllText("/sys/devices/system/cpu/online").Trim());
        string before = File.ReadAllText("/proc/interrupts");
        var irqsBefore = device.Irqs();
        log.WriteLine($"recording on {kernel}: device {device.Bdf} ({device.Kind}, driver {device.Driver}, irqs {string.Join(",", irqsBefore)}), workload {string.Join(",", o.Workloads)}");

        string trace;
        var restore = new Dictionary<int, string>();
        using (var tf = Tracefs.Open("irqverify-" + Environment.ProcessId))
        {
            try
            {
                tf.Write("tracing_on", "0");
                tf.Write("buffer_size_kb", "4096");
                // The per-CPU "local" clock may disagree across CPUs; the replay needs the order in
                // which vector_lock sections ran, so merge the per-CPU buffers by a global clock.
                tf.Write("trace_clock", "global");
                tf.Write("set_event", "irq_matrix:*\n");
                foreach (var ev in VectorEvents) tf.Append("set_event", $"irq_vectors:vector_{ev}\n");
                tf.Write("trace", "");
                tf.Write("tracing_on", "1");
                tf.Mark($"irqverify start kernel={kernel} device={device.Bdf}");
                tf.Mark($"irqverify default_affinity cpus={FormatList(ParseHexMask(File.ReadAllText("/proc/irq/default_smp_affinity").Trim()))}");
                foreach (int irq in irqsBefore) tf.Mark($"irqverify affinity irq={irq} cpus={Affinity(irq)}");

                if (o.Workloads.Contains("rebind"))
                    for (int round = 0; round < o.Rounds; round++) Rebind(device, tf);
                if (o.Workloads.Contains("affinity"))
                {
                    foreach (int irq in device.Irqs())
                    {
                        restore[irq] = Affinity(irq);
                        tf.Mark($"irqverify affinity irq={irq} cpus={restore[irq]}");
                        for (int round = 0; round < o.Rounds; round++)
                            foreach (int c in online)
                            {
                                SetAffinity(tf, irq, c.ToString(CultureInfo.InvariantCulture));
                                Trigger(device);
                            }
                        SetAffinity(tf, irq, restore[irq]);
                        Trigger(device);
                        restore.Remove(irq);
                    }
                }
                tf.Mark("irqverify stop");
                tf.Write("tracing_on", "0");
                trace = tf.Read("trace");
            }
            finally
            {
                foreach (var (irq, list) in restore)
                {
                    try { File.WriteAllText($"/proc/irq/{irq}/smp_affinity_list", list); }
                    catch (IOException e) { log.WriteLine($"warning: could not restore irq {irq} affinity {list}: {e.Message}"); }
                }
                EnsureBound(device, log);
            }
        }
        string after = File.ReadAllText("/proc/interrupts");

        var sb = new StringBuilder();
        sb.Append("# irqverify trace v1\n");
        sb.Append($"# kernel: {kernel}\n");
        sb.Append($"# cpus: {cpus}\n");
        // FIRST_EXTERNAL_VECTOR .. FIRST_SYSTEM_VECTOR: 0xeb (POSTED_MSI_NOTIFICATION_VECTOR) since v6.10, 0xec before.
        sb.Append($"# matrix: bits=256 window=0x20-0x{(AtLeast(kernel, 6, 10) ? 0xeb : 0xec):x}\n");
        sb.Append($"# device: {device.Bdf} {device.Kind} driver={device.Driver} irqs={string.Join(",", irqsBefore)}\n");
        sb.Append($"# workload: {string.Join(",", o.Workloads.Order())} rounds={o.Rounds}\n");
        sb.Append("# /proc/interrupts before the workload:\n");
        foreach (var l in before.Split('\n', StringSplitOptions.RemoveEmptyEntries)) sb.Append("#   ").Append(l).Append('\n');
        sb.Append("# /proc/interrupts after the workload:\n");
        foreach (var l in after.Split('\n', StringSplitOptions.RemoveEmptyEntries)) sb.Append("#   ").Append(l).Append('\n');
        sb.Append(trace);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(o.OutPath));
        if (dir != null) Directory.CreateDirectory(dir);
        File.WriteAllText(o.OutPath, sb.ToString());
        int lines = trace.Split('\n').Count(l => l.Length > 0 && !l.StartsWith('#'));
        return $"wrote {o.OutPath}: {lines} events, kernel {kernel}";
    }

    /// <summary>One recorder at a time per machine: two would unbind the same device under each other.</summary>
    private static FileStream Exclusive()
    {
        string path = Path.Combine(Path.GetTempPath(), "irqverify-trace-record.lock");
        for (int i = 0; ; i++)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (i < 600) { Thread.Sleep(100); }
            catch (IOException) { throw new RecordException($"another trace record holds {path} (waited 60 s)"); }
        }
    }

    private static void Rebind(SafeDevice d, Tracefs tf)
    {
        string drv = $"/sys/bus/pci/drivers/{d.Driver}";
        tf.Mark($"irqverify unbind device={d.Bdf}");
        File.WriteAllText(Path.Combine(drv, "unbind"), d.Bdf);
        tf.Mark($"irqverify bind device={d.Bdf}");
        File.WriteAllText(Path.Combine(drv, "bind"), d.Bdf);
        for (int i = 0; i < 100 && d.Irqs().Count == 0; i++) Thread.Sleep(20);
    }

    private static void EnsureBound(SafeDevice d, TextWriter log)
    {
        if (new FileInfo(Path.Combine(d.SysfsPath, "driver")).LinkTarget != null) return;
        try { File.WriteAllText($"/sys/bus/pci/drivers/{d.Driver}/bind", d.Bdf); }
        catch (IOException e) { log.WriteLine($"warning: device {d.Bdf} is not bound to {d.Driver} again: {e.Message}"); }
    }

    private static void SetAffinity(Tracefs tf, int irq, string list)
    {
        tf.Mark($"irqverify affinity irq={irq} cpus={list}");
        File.WriteAllText($"/proc/irq/{irq}/smp_affinity_list", list);
    }

    /// <summary>An MSI affinity change takes effect at the next interrupt; virtio-rng raises one when its buffer is read empty (1 KiB in 64-byte reads).</summary>
    private static void Trigger(SafeDevice d)
    {
        const string current = "/sys/class/misc/hw_random/rng_current";
        if (d.Kind == "virtio-rng" && File.Exists(current) && File.ReadAllText(current).StartsWith("virtio_rng", StringComparison.Ordinal))
            Tracefs.Exec("timeout", "2", "dd", "if=/dev/hwrng", "of=/dev/null", "bs=64", "count=16");
        Thread.Sleep(20);
    }

    private static string Affinity(int irq) => File.ReadAllText($"/proc/irq/{irq}/smp_affinity_list").Trim();

    internal static bool AtLeast(string release, int major, int minor)
    {
        var parts = release.Split('.', '-');
        if (parts.Length < 2 || !int.TryParse(parts[0], out int a) || !int.TryParse(parts[1], out int b)) return true;
        return a > major || (a == major && b >= minor);
    }

    /// <summary>"0-1,4" → [0, 1, 4].</summary>
    internal static List<int> ParseList(string list)
    {
        var r = new List<int>();
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var ab = part.Split('-');
            int a = int.Parse(ab[0], CultureInfo.InvariantCulture), b = ab.Length > 1 ? int.Parse(ab[1], CultureInfo.InvariantCulture) : a;
            for (int c = a; c <= b; c++) r.Add(c);
        }
        return r;
    }

    private static int CountList(string list) => ParseList(list).Max() + 1;

    /// <summary>/proc/irq/default_smp_affinity: hex words separated by commas, most significant first.</summary>
    internal static List<int> ParseHexMask(string hex)
    {
        var r = new List<int>();
        var words = hex.Split(',');
        for (int w = 0; w < words.Length; w++)
        {
            ulong v = ulong.Parse(words[words.Length - 1 - w], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            for (int b = 0; b < 32; b++) if ((v >> b & 1) != 0) r.Add(w * 32 + b);
        }
        return r;
    }

    internal static string FormatList(IEnumerable<int> cpus) => string.Join(",", cpus);
}
