using System.Text.Json;
using System.Text.Json.Serialization;

namespace IrqVerify.Model;

/// <summary>
/// A machine configuration (models/machines/*.json): x86 CPUs and vector window, PCI devices and
/// interrupt remapping, and an optional Xen guest. Defaults give the standard machine: 4 x86 CPUs,
/// a multi-MSI-capable device behind remapping, an MSI-X device with 16 entries, a Xen guest with
/// 2 vCPUs (FIFO ABI available, 2L selectable).
/// </summary>
public sealed class MachineConfig
{
    public string Name { get; set; } = "default";
    public int Cpus { get; set; } = 4;
    /// <summary>FIRST_EXTERNAL_VECTOR.</summary>
    public int VectorStart { get; set; } = 0x20;
    /// <summary>FIRST_SYSTEM_VECTOR (0xeb in current kernels, 0xec in 5.x–6.9).</summary>
    public int VectorEnd { get; set; } = 0xeb;
    /// <summary>System vectors assigned at boot (inside the window they cost a slot on every CPU):
    /// the PIC cascade 0x32 and IA32_SYSCALL_VECTOR 0x80.</summary>
    public List<int> SystemVectors { get; set; } = [0x32, 0x80];
    /// <summary>GENERIC_IRQ_RESERVATION_MODE for PCI/MSI domains.</summary>
    public bool ReservationMode { get; set; } = true;
    /// <summary>Size of the Linux irq number space.</summary>
    public int NrIrqs { get; set; } = 512;
    /// <summary>First dynamically allocated Linux irq (after the GSIs).</summary>
    public int FirstDynamicIrq { get; set; } = 24;
    public List<DeviceConfig> Devices { get; set; } = [];
    /// <summary>Interrupt remapping (IRTE table); null = no IOMMU remapping.</summary>
    public RemappingConfig? Remapping { get; set; }
    public XenConfig? Xen { get; set; }
    /// <summary>Variant names turned on by this machine (e.g. "K10").</summary>
    public List<string> Variants { get; set; } = [];

    public static MachineConfig Default() => new()
    {
        Name = "default",
        Devices =
        [
            new DeviceConfig { Name = "dev0", PinIrq = 16, Remapped = true, Msi = new MsiCapConfig { Mmc = 5, MaskBit = true, Is64 = true } },
            new DeviceConfig { Name = "dev1", PinIrq = 17, Remapped = false, Msi = new MsiCapConfig { Mmc = 0, MaskBit = false, Is64 = true }, Msix = new MsixCapConfig { TableSize = 16 } },
        ],
        Remapping = new RemappingConfig { Entries = 256 },
        Xen = new XenConfig { Vcpus = 2, Abi = "fifo" },
    };

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Parses a configuration. Throws <see cref="ModelInputException"/> naming file, line and
    /// column for malformed JSON, unknown fields and values out of range.
    /// </summary>
    public static MachineConfig Parse(string json, string file)
    {
        MachineConfig? cfg;
        try
        {
            cfg = JsonSerializer.Deserialize<MachineConfig>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            int line = (int)(e.LineNumber ?? 0) + 1;
            int col = (int)(e.BytePositionInLine ?? 0) + 1;
            string msg = e.Message;
            int cut = msg.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0) msg = msg[..cut];
            throw new ModelInputException(file, line, col, msg);
        }
        if (cfg is null) throw new ModelInputException(file, 1, 1, "empty machine configuration");
        cfg.Validate(file);
        return cfg;
    }

    public static MachineConfig Load(string path) => Parse(File.ReadAllText(path), path);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Range checks; the message names the field.</summary>
    public void Validate(string file)
    {
        void Fail(string m) => throw new ModelInputException(file, 1, 1, m);
        if (Cpus is < 1 or > 64) Fail($"cpus must be in 1..64, got {Cpus}");
        if (VectorStart < 0x20 || VectorEnd > 0x100 || VectorStart >= VectorEnd) Fail($"vector window [{VectorStart}, {VectorEnd}) must lie in [32, 256) and be non-empty");
        foreach (int v in SystemVectors) if (v is < 0 or > 255) Fail($"system vector {v} out of range 0..255");
        if (NrIrqs is < 32 or > 65536) Fail($"nrIrqs must be in 32..65536, got {NrIrqs}");
        if (FirstDynamicIrq < 1 || FirstDynamicIrq >= NrIrqs) Fail($"firstDynamicIrq must be in 1..nrIrqs-1");
        var names = new HashSet<string>();
        foreach (var d in Devices)
        {
            if (string.IsNullOrWhiteSpace(d.Name)) Fail("device without a name");
            if (!names.Add(d.Name)) Fail($"duplicate device name '{d.Name}'");
            if (d.Msi is { } msi && msi.Mmc is < 0 or > 5) Fail($"{d.Name}: msi.mmc must be in 0..5");
            if (d.Msix is { } x && x.TableSize is < 1 or > 2048) Fail($"{d.Name}: msix.tableSize must be in 1..2048");
            if (d.PinIrq is < 0 || d.PinIrq >= FirstDynamicIrq) Fail($"{d.Name}: pinIrq must be in 0..{FirstDynamicIrq - 1}");
            if (d.Remapped && Remapping is null) Fail($"{d.Name}: remapped device on a machine without remapping");
        }
        if (Remapping is { } r && r.Entries is < 1 or > 65536) Fail("remapping.entries must be in 1..65536");
        if (Xen is { } x2)
        {
            if (x2.Vcpus is < 1 or > 64) Fail("xen.vcpus must be in 1..64");
            if (x2.Abi is not ("2l" or "fifo")) Fail($"xen.abi must be \"2l\" or \"fifo\", got \"{x2.Abi}\"");
            if (x2.MaxPorts is < 8 or > 131072) Fail("xen.maxPorts must be in 8..131072");
        }
        foreach (string v in Variants)
            if (!new Variants().TryEnable(v)) Fail($"unknown variant '{v}' (known: {string.Join(", ", Model.Variants.Names)})");
    }
}

public sealed class DeviceConfig
{
    public string Name { get; set; } = "";
    /// <summary>The INTx pin irq (dev->irq when MSI is off); 0 = no pin.</summary>
    public int PinIrq { get; set; }
    /// <summary>Behind the interrupt-remapping domain (multi-MSI capable parent).</summary>
    public bool Remapped { get; set; }
    public MsiCapConfig? Msi { get; set; }
    public MsixCapConfig? Msix { get; set; }
}

public sealed class MsiCapConfig
{
    /// <summary>Multiple Message Capable: 2^mmc vectors (0..5).</summary>
    public int Mmc { get; set; }
    /// <summary>Per-vector masking (PCI_MSI_FLAGS_MASKBIT).</summary>
    public bool MaskBit { get; set; }
    public bool Is64 { get; set; } = true;
}

public sealed class MsixCapConfig
{
    public int TableSize { get; set; } = 16;
}

public sealed class RemappingConfig
{
    /// <summary>Number of IRTEs.</summary>
    public int Entries { get; set; } = 256;
}

public sealed class XenConfig
{
    public int Vcpus { get; set; } = 2;
    /// <summary>"fifo" or "2l": the ABI the guest starts with.</summary>
    public string Abi { get; set; } = "fifo";
    /// <summary>Highest port number + 1 the hypervisor hands out.</summary>
    public int MaxPorts { get; set; } = 4096;
}
