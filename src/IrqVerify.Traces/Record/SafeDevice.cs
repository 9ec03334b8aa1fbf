using System.Globalization;

namespace IrqVerify.Traces.Record;

/// <summary>
/// A PCI device whose driver may be unbound for a moment. By default only virtio-rng and
/// virtio-balloon qualify; a device the user names is refused when it is (or drives) a block,
/// network or vsock device, because those carry the machine's disk and connections.
/// </summary>
public sealed record SafeDevice(string Bdf, string SysfsPath, string Driver, string Kind)
{
    public const string PciDevices = "/sys/bus/pci/devices";
    private const string VirtioVendor = "0x1af4";

    /// <summary>virtio device ids (modern 0x104x and transitional 0x10xx) of the default devices, preferred first.</summary>
    private static readonly (string Id, string Kind)[] Defaults =
        [("0x1044", "virtio-rng"), ("0x1005", "virtio-rng"), ("0x1045", "virtio-balloon"), ("0x1002", "virtio-balloon")];

    /// <summary>virtio block, network and vsock device ids.</summary>
    private static readonly string[] Forbidden = ["0x1001", "0x1042", "0x1000", "0x1041", "0x1012", "0x1053", "0x1004", "0x1048"];

    private static readonly string[] ForbiddenDrivers = ["virtio_blk", "virtio_net", "vmw_vsock_virtio_transport", "virtio_scsi", "nvme", "ahci"];

    public IReadOnlyList<int> Irqs()
    {
        var dir = Path.Combine(SysfsPath, "msi_irqs");
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir).Select(f => int.Parse(Path.GetFileName(f), CultureInfo.InvariantCulture)).Order().ToList();
    }

    /// <summary>The device to use: <paramref name="bdf"/> if given and safe, else the first default one present.</summary>
    public static SafeDevice Find(string? bdf)
    {
        if (bdf != null)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(bdf, "^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$"))
                throw new RecordException($"--device {bdf}: expected a PCI address like 0000:00:05.0");
            string path = Path.Combine(PciDevices, bdf);
            if (!Directory.Exists(path)) throw new RecordException($"--device {bdf}: no such PCI device under {PciDevices}");
            string? why = Refusal(path);
            if (why != null) throw new RecordException($"--device {bdf}: refused, {why}");
            string drv = DriverOf(path) ?? throw new RecordException($"--device {bdf}: no driver bound, nothing to rebind");
            string id = Read(path, "device");
            string kind = Read(path, "vendor") == VirtioVendor && Defaults.FirstOrDefault(d => d.Id == id).Kind is { } k ? k : Read(path, "vendor") + ":" + id;
            return new SafeDevice(bdf, path, drv, kind);
        }
        if (!Directory.Exists(PciDevices)) throw new RecordException($"no {PciDevices}: no PCI bus to find a safe device on");
        foreach (var (id, kind) in Defaults)
        {
            foreach (var path in Directory.GetDirectories(PciDevices).Order(StringComparer.Ordinal))
            {
                if (Read(path, "vendor") != VirtioVendor || Read(path, "device") != id) continue;
                if (Refusal(path) != null || DriverOf(path) is not { } drv) continue;
                if (!Directory.Exists(Path.Combine(path, "msi_irqs"))) continue;
                return new SafeDevice(Path.GetFileName(path), path, drv, kind);
            }
        }
        throw new RecordException("no safe device to rebind: need a bound virtio-rng (1af4:1044/1005) or virtio-balloon (1af4:1045/1002) PCI device with MSI-X, or --device BDF");
    }

    /// <summary>Why the device at <paramref name="path"/> must not be unbound, or null.</summary>
    public static string? Refusal(string path)
    {
        string cls = Read(path, "class");
        if (cls.StartsWith("0x01", StringComparison.Ordinal)) return $"class {cls} is a storage controller";
        if (cls.StartsWith("0x02", StringComparison.Ordinal)) return $"class {cls} is a network controller";
        if (cls.StartsWith("0x06", StringComparison.Ordinal)) return $"class {cls} is a bridge";
        if (Read(path, "vendor") == VirtioVendor && Forbidden.Contains(Read(path, "device"))) return $"virtio device {Read(path, "device")} is a block, network or vsock device";
        foreach (var sub in RealSubdirectories(path, depth: 4))
        {
            string name = Path.GetFileName(sub);
            if (name is "block" or "net") return $"it carries a {name} device ({sub})";
            var drv = DriverOf(sub);
            if (drv != null && ForbiddenDrivers.Contains(drv)) return $"a child is driven by {drv}";
        }
        return null;
    }

    /// <summary>Subdirectories without following sysfs symlinks (driver/, subsystem/ lead to every other device).</summary>
    private static IEnumerable<string> RealSubdirectories(string root, int depth)
    {
        if (depth == 0) yield break;
        string[] subs;
        try { subs = Directory.GetDirectories(root); }
        catch (IOException) { yield break; }
        catch (UnauthorizedAccessException) { yield break; }
        foreach (var sub in subs)
        {
            if (new DirectoryInfo(sub).LinkTarget != null) continue;
            yield return sub;
            foreach (var s in RealSubdirectories(sub, depth - 1)) yield return s;
        }
    }

    private static string? DriverOf(string path)
    {
        var link = new FileInfo(Path.Combine(path, "driver"));
        return link.LinkTarget is { } t ? Path.GetFileName(t) : null;
    }

    private static string Read(string dir, string file)
    {
        try { return File.ReadAllText(Path.Combine(dir, file)).Trim(); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}
