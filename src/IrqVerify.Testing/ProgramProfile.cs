namespace IrqVerify.Testing;

/// <summary>What kind of scenario a seed-weighted fragment reproduces.</summary>
public enum Fragment
{
    /// <summary>Seed 000: MSI-X enable, request one by one, a request fails, unwind, enable again.</summary>
    MsixUnwind,
    /// <summary>Seed 001: multi-MSI (power-of-two vectors), request, raise.</summary>
    MultiMsi,
    /// <summary>Enable MSI/MSI-X with random bounds and flags, map and request vectors.</summary>
    PciEnable,
    /// <summary>Free every handler of a device, then pci_free_irq_vectors.</summary>
    PciTeardown,
    /// <summary>Dynamic MSI-X: alloc at an index, request, free.</summary>
    DynamicMsix,
    /// <summary>x86: vector_alloc, request, move, raise, interrupt, cleanup timer.</summary>
    VectorMove,
    /// <summary>CPU offline, raise, online.</summary>
    Hotplug,
    /// <summary>Fill one CPU with single vectors and free a few (fragmentation, exhaustion).</summary>
    Exhaust,
    /// <summary>Seed 002: bind, request, send, rebind to another vCPU, upcalls.</summary>
    XenRebind,
    /// <summary>Late EOI: bind lateeoi, send, upcall, send again, EOI.</summary>
    XenLateEoi,
    /// <summary>Unbind a Xen irq.</summary>
    XenUnbind,
}

/// <summary>Knobs for <see cref="ProgramGenerator"/>.</summary>
public sealed record ProgramProfile
{
    /// <summary>Maximum number of operation lines (the FsCheck size scales it down for early cases).</summary>
    public int MaxOps { get; init; } = 40;
    /// <summary>Percent of steps that are seed-scenario fragments (the rest: single random operations).</summary>
    public int FragmentPercent { get; init; } = 55;
    /// <summary>Percent of steps that are caller misuse (double free, reuse after free, empty mask,
    /// out-of-range index, disable with handlers requested, MSI while MSI-X is on).</summary>
    public int MisusePercent { get; init; } = 8;
    /// <summary>Relative weight of each fragment (missing = 0).</summary>
    public IReadOnlyDictionary<Fragment, int> Weights { get; init; } = DefaultWeights;
    /// <summary>Percent of multi-MSI fragments that ask for managed affinity spreading (msi|affinity).</summary>
    public int ManagedMultiMsiPercent { get; init; } = 25;
    /// <summary>Percent of multi-MSI fragments that move the block (irq_set_affinity on a member).</summary>
    public int MultiMsiMovePercent { get; init; } = 30;
    /// <summary>Restrict single random operations to these names (null = the whole vocabulary the machine supports).</summary>
    public IReadOnlySet<string>? Ops { get; init; }

    public static readonly IReadOnlyDictionary<Fragment, int> DefaultWeights = new Dictionary<Fragment, int>
    {
        [Fragment.MsixUnwind] = 10, [Fragment.MultiMsi] = 10, [Fragment.PciEnable] = 14, [Fragment.PciTeardown] = 10,
        [Fragment.DynamicMsix] = 5, [Fragment.VectorMove] = 12, [Fragment.Hotplug] = 8, [Fragment.Exhaust] = 5,
        [Fragment.XenRebind] = 12, [Fragment.XenLateEoi] = 8, [Fragment.XenUnbind] = 6,
    };

    public static readonly ProgramProfile Default = new();

    /// <summary>No misuse: programs a correct driver could issue.</summary>
    public static readonly ProgramProfile WellBehaved = new() { MisusePercent = 0 };

    /// <summary>The seed-001 hunt: multi-MSI, exhaustion and hot-unplug, little else.</summary>
    public static readonly ProgramProfile Seed001 = new()
    {
        MaxOps = 30, FragmentPercent = 85, MisusePercent = 0,
        Weights = new Dictionary<Fragment, int>
        {
            [Fragment.MultiMsi] = 30, [Fragment.Exhaust] = 25, [Fragment.Hotplug] = 25, [Fragment.VectorMove] = 10, [Fragment.PciTeardown] = 10,
        },
    };

    /// <summary>The seed-001 hot-unplug hunt: non-managed blocks, fragmentation and CPU offline.</summary>
    public static readonly ProgramProfile Seed001Unplug = Seed001 with
    {
        ManagedMultiMsiPercent = 0,
        MultiMsiMovePercent = 0,
        Weights = new Dictionary<Fragment, int> { [Fragment.MultiMsi] = 30, [Fragment.Exhaust] = 35, [Fragment.Hotplug] = 35 },
        Ops = new HashSet<string> { "vector_alloc", "vector_free", "request_irq", "cpu_offline", "cpu_online", "device_raise" },
    };

    /// <summary>PCI only (teardown/baseline properties): enable, request, raise, teardown, hotplug.</summary>
    public static readonly ProgramProfile Pci = new()
    {
        FragmentPercent = 75, MisusePercent = 0,
        Weights = new Dictionary<Fragment, int>
        {
            [Fragment.MsixUnwind] = 15, [Fragment.MultiMsi] = 15, [Fragment.PciEnable] = 25, [Fragment.PciTeardown] = 15,
            [Fragment.DynamicMsix] = 10, [Fragment.Hotplug] = 10,
        },
        Ops = new HashSet<string> { "request_irq", "free_irq", "device_raise", "interrupt", "cleanup_timer", "irq_set_affinity",
            "disable_irq", "enable_irq", "pci_msi_mask_irq", "pci_msi_unmask_irq", "fail_next_irq_alloc", "fault_next_request_irq" },
    };

    /// <summary>Xen only (delivery accounting).</summary>
    public static readonly ProgramProfile Xen = new()
    {
        FragmentPercent = 60, MisusePercent = 0,
        Weights = new Dictionary<Fragment, int> { [Fragment.XenRebind] = 40, [Fragment.XenLateEoi] = 30, [Fragment.XenUnbind] = 10 },
        Ops = new HashSet<string> { "xen_send", "xen_upcall", "xen_rebind", "xen_mask", "xen_unmask", "xen_irq_lateeoi", "xen_eoi_worker",
            "xen_tick", "request_irq", "free_irq", "disable_irq", "enable_irq", "evtchn_alloc_unbound", "bind_evtchn_to_irq",
            "bind_evtchn_to_irq_lateeoi", "bind_virq_to_irq", "bind_ipi_to_irq", "xen_vcpu_offline", "xen_vcpu_online" },
    };
}
