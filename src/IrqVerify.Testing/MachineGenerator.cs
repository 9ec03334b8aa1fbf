using IrqVerify.Model;

namespace IrqVerify.Testing;

/// <summary>Knobs for <see cref="MachineGenerator"/>.</summary>
public sealed record MachineProfile
{
    /// <summary>Percent of machines with a window of 6–16 slots so a few allocations exhaust a CPU.</summary>
    public int TinyWindowPercent { get; init; } = 40;
    /// <summary>Percent of machines with interrupt remapping.</summary>
    public int RemappingPercent { get; init; } = 60;
    /// <summary>Percent of machines with a Xen guest.</summary>
    public int XenPercent { get; init; } = 50;
    /// <summary>Percent of devices with a multi-message MSI capability (MMC ≥ 1) that are NOT behind
    /// remapping: the devices the seed-001 variant changes.</summary>
    public int PlainMultiMsiPercent { get; init; } = 20;
    public int MinCpus { get; init; } = 1;
    public int MaxCpus { get; init; } = 8;
    /// <summary>No Xen guest (PCI/x86-only generation).</summary>
    public bool NoXen { get; init; }

    public static readonly MachineProfile Default = new();

    /// <summary>Machines for the seed-001 variant: plain (non-remapped) multi-MSI devices on small windows.</summary>
    public static readonly MachineProfile Seed001 = new()
    {
        TinyWindowPercent = 70, RemappingPercent = 30, XenPercent = 0, PlainMultiMsiPercent = 80, MinCpus = 2, MaxCpus = 4, NoXen = true,
    };
}

/// <summary>
/// Generates machine configurations: 1–8 CPUs, full or tiny vector windows (exhaustion), 1–3 PCI
/// devices with varied MSI (MMC 0–5, with or without per-vector masking) and MSI-X (1–32 entries)
/// capabilities, optional interrupt remapping (small tables), optional Xen guest (2L or FIFO).
/// Every generated configuration passes <see cref="MachineConfig.Validate"/>.
/// </summary>
public static class MachineGenerator
{
    public static MachineConfig Generate(Rng r, MachineProfile? profile = null)
    {
        var p = profile ?? MachineProfile.Default;
        var cfg = new MachineConfig
        {
            Name = $"gen-{r.NextUInt64() & 0xffffff:x6}",
            Cpus = Math.Clamp(r.Pick(CpuChoices), p.MinCpus, p.MaxCpus),
            ReservationMode = r.Chance(85),
            NrIrqs = r.Chance(20) ? 64 : 512,
            FirstDynamicIrq = 24,
        };
        if (r.Chance(p.TinyWindowPercent))
        {
            cfg.VectorStart = 0x20;
            cfg.VectorEnd = 0x20 + r.Range(6, 16);
            cfg.SystemVectors = r.Chance(50) ? [0x22] : [];
        }
        bool remap = r.Chance(p.RemappingPercent);
        if (remap) cfg.Remapping = new RemappingConfig { Entries = r.Pick(IrteChoices) };
        int devices = r.Range(1, 3);
        for (int i = 0; i < devices; i++) cfg.Devices.Add(Device(r, p, i, remap));
        if (!p.NoXen && r.Chance(p.XenPercent))
            cfg.Xen = new XenConfig { Vcpus = r.Range(1, 4), Abi = r.Chance(50) ? "2l" : "fifo", MaxPorts = r.Pick(PortChoices) };
        cfg.Validate(cfg.Name);
        return cfg;
    }

    private static DeviceConfig Device(Rng r, MachineProfile p, int i, bool remapAvailable)
    {
        var d = new DeviceConfig { Name = $"dev{i}", PinIrq = r.Chance(80) ? 16 + i : 0 };
        bool plainMulti = r.Chance(p.PlainMultiMsiPercent);
        d.Remapped = remapAvailable && !plainMulti && r.Chance(50);
        bool msi = plainMulti || r.Chance(80);
        bool msix = !plainMulti && (!msi || r.Chance(50));
        if (msi)
            d.Msi = new MsiCapConfig { Mmc = plainMulti ? r.Range(1, 3) : r.Pick(MmcChoices), MaskBit = r.Chance(50), Is64 = r.Chance(80) };
        if (msix) d.Msix = new MsixCapConfig { TableSize = r.Pick(MsixChoices) };
        return d;
    }

    private static readonly int[] CpuChoices = [1, 2, 2, 2, 3, 4, 4, 4, 6, 8];
    private static readonly int[] IrteChoices = [8, 16, 32, 256];
    private static readonly int[] PortChoices = [16, 64, 4096];
    private static readonly int[] MmcChoices = [0, 0, 1, 2, 3, 5];
    private static readonly int[] MsixChoices = [1, 2, 4, 8, 16, 32];
}
