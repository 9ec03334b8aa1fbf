using IrqVerify.Model.Core;

namespace IrqVerify.Model.Irq;

/// <summary>Who created an irq descriptor (what its chip data belongs to).</summary>
public enum IrqOwner : byte
{
    None = 0,
    /// <summary>A PCI/MSI or MSI-X vector of a device (OwnerIndex = device, OwnerSub = MSI index).</summary>
    PciMsi,
    /// <summary>A legacy / pin (INTx) irq.</summary>
    Legacy,
    /// <summary>A Xen event-channel irq (OwnerIndex = port at bind time).</summary>
    Xen,
}

/// <summary>
/// struct irq_desc plus its irq_data state bits, for one Linux irq. Plain fields: the state is
/// small, copied by engines and hashed canonically.
/// </summary>
public sealed class IrqDesc(int irq, ChangeEpoch epoch)
{
    public int Irq { get; } = irq;

    /// <summary>Allocated in the irq number space (irq_domain_alloc_descs).</summary>
    public bool Allocated { get; set { field = value; epoch.Bump(); } }
    public IrqOwner Owner { get; set { field = value; epoch.Bump(); } }
    public int OwnerIndex { get; set { field = value; epoch.Bump(); } }
    public int OwnerSub { get; set { field = value; epoch.Bump(); } }
    public IIrqChip? Chip { get; set { field = value; epoch.Bump(); } }
    public FlowKind Flow { get; set { field = value; epoch.Bump(); } }

    /// <summary>IRQ_NOREQUEST: request_irq refuses it.</summary>
    public bool NoRequest { get; set { field = value; epoch.Bump(); } }
    /// <summary>A handler is requested (irqaction present). Name for traces.</summary>
    public string? Action { get; set { field = value; epoch.Bump(); } }

    /// <summary>IRQD_ACTIVATED: the hierarchy is programmed (possibly in reservation mode).</summary>
    public bool Activated { get; set { field = value; epoch.Bump(); } }
    /// <summary>Activated in reservation mode only (message points at the shutdown vector).</summary>
    public bool ActivatedReserved { get; set { field = value; epoch.Bump(); } }
    /// <summary>IRQD_IRQ_STARTED.</summary>
    public bool Started { get; set { field = value; epoch.Bump(); } }
    /// <summary>IRQD_IRQ_MASKED.</summary>
    public bool Masked { get; set { field = value; epoch.Bump(); } } = true;
    /// <summary>desc->depth, the disable_irq nesting; 0 = enabled. A new descriptor starts at 1
    /// (desc_set_defaults): it is disabled until irq_startup, so a driver's first enable_irq starts it.</summary>
    public int DisableDepth { get; set { field = value; epoch.Bump(); } } = 1;
    /// <summary>IRQD_IRQ_INPROGRESS: a handler runs on <see cref="InProgressCpu"/>.</summary>
    public bool InProgress { get; set { field = value; epoch.Bump(); } }
    public int InProgressCpu { get; set { field = value; epoch.Bump(); } } = -1;
    /// <summary>IRQS_PENDING: an arrival during handling, to be replayed by the edge flow.</summary>
    public bool PendingReplay { get; set { field = value; epoch.Bump(); } }

    /// <summary>irq_common_data.affinity (the requested mask).</summary>
    public CpuMask Affinity { get; set { field = value; epoch.Bump(); } }
    /// <summary>The effective affinity (x86: a single CPU).</summary>
    public CpuMask EffectiveAffinity { get; set { field = value; epoch.Bump(); } }
    /// <summary>IRQD_AFFINITY_MANAGED.</summary>
    public bool Managed { get; set { field = value; epoch.Bump(); } }
    /// <summary>IRQD_MANAGED_SHUTDOWN: managed irq shut down because its mask has no online CPU.</summary>
    public bool ManagedShutdown { get; set { field = value; epoch.Bump(); } }
    /// <summary>Contract state, not kernel state: the CPU-online restart of this managed irq is under
    /// way (irq_restore_affinity_of_irq → irq_startup_managed). Its device stays quiesced until the
    /// restart is over: blk-mq reactivates the queue at CPUHP_AP_BLK_MQ_ONLINE, the state after
    /// CPUHP_AP_IRQ_AFFINITY_ONLINE.</summary>
    public bool ManagedRestart { get; set { field = value; epoch.Bump(); } }

    /// <summary>The managed-irq contract: a requested managed irq shut down with its last CPU, or being
    /// restarted, has a quiesced device; what it sends is the driver's misuse, not an owed handler run.</summary>
    public bool DeviceQuiesced => Managed && Action is not null && (ManagedShutdown || ManagedRestart);
    /// <summary>IRQD_CAN_RESERVE / MSI_FLAG_MUST_REACTIVATE: reservation mode is in use.</summary>
    public bool CanReserve { get; set { field = value; epoch.Bump(); } }
    /// <summary>IRQD_SETAFFINITY_PENDING and pending_mask: a deferred move waiting for the next interrupt.</summary>
    public bool MovePending { get; set { field = value; epoch.Bump(); } }
    public CpuMask PendingMask { get; set { field = value; epoch.Bump(); } }
    /// <summary>Affinity was broken by hotplug/exhaustion (I-V11 tolerates it).</summary>
    public bool AffinityBroken { get; set { field = value; epoch.Bump(); } }

    // ---- oracle bookkeeping (not kernel state) ----

    /// <summary>Arrivals at the flow handler so far (handled or not).</summary>
    public long Delivered { get; set { field = value; epoch.Bump(); } }
    /// <summary>Handler invocations so far.</summary>
    public long Invocations { get; set { field = value; epoch.Bump(); } }
    /// <summary>How many CPUs are inside the handler right now (I-G1 / I-X13 require ≤ 1 unless per-CPU).</summary>
    public int HandlersRunning { get; set { field = value; epoch.Bump(); } }
    /// <summary>An event was raised for this irq after its last handler start: the handler owes a run
    /// (cleared when a handler starts; checked at quiescence for I-G2 / I-X11).</summary>
    public bool AwaitingHandler { get; set { field = value; epoch.Bump(); } }

    public bool IsPerCpu => Flow == FlowKind.PerCpu;

    /// <summary>IRQD_IRQ_DISABLED: set for a new descriptor and by irq_shutdown / disable_irq,
    /// cleared by irq_startup and the last enable_irq.</summary>
    public bool IrqDisabled => !Started || DisableDepth > 0;

    /// <summary>Resets every field to the freshly-freed state (irq_free_descs; desc_set_defaults on reuse).</summary>
    public void Reset()
    {
        Allocated = false; Owner = IrqOwner.None; OwnerIndex = 0; OwnerSub = 0; Chip = null; Flow = FlowKind.Edge;
        NoRequest = false; Action = null; Activated = false; ActivatedReserved = false; Started = false;
        Masked = true; DisableDepth = 1; InProgress = false; InProgressCpu = -1; PendingReplay = false;
        Affinity = CpuMask.Empty; EffectiveAffinity = CpuMask.Empty; Managed = false; ManagedShutdown = false; ManagedRestart = false;
        CanReserve = false; MovePending = false; PendingMask = CpuMask.Empty; AffinityBroken = false;
        Delivered = 0; Invocations = 0; HandlersRunning = 0; AwaitingHandler = false;
    }

    /// <summary>Copies every field of <paramref name="o"/> (the same irq of another machine);
    /// <paramref name="chip"/> is o.Chip translated to this machine's chip object.</summary>
    internal void CopyFrom(IrqDesc o, IIrqChip? chip)
    {
        Allocated = o.Allocated; Owner = o.Owner; OwnerIndex = o.OwnerIndex; OwnerSub = o.OwnerSub; Chip = chip; Flow = o.Flow;
        NoRequest = o.NoRequest; Action = o.Action; Activated = o.Activated; ActivatedReserved = o.ActivatedReserved; Started = o.Started;
        Masked = o.Masked; DisableDepth = o.DisableDepth; InProgress = o.InProgress; InProgressCpu = o.InProgressCpu; PendingReplay = o.PendingReplay;
        Affinity = o.Affinity; EffectiveAffinity = o.EffectiveAffinity; Managed = o.Managed; ManagedShutdown = o.ManagedShutdown; ManagedRestart = o.ManagedRestart;
        CanReserve = o.CanReserve; MovePending = o.MovePending; PendingMask = o.PendingMask; AffinityBroken = o.AffinityBroken;
        Delivered = o.Delivered; Invocations = o.Invocations; HandlersRunning = o.HandlersRunning; AwaitingHandler = o.AwaitingHandler;
    }

    /// <summary>"irq 24: pci-msi 0/0 chip=PCI-MSI handler depth=0 activated started unmasked ..."
    /// (what <c>irqverify run</c> and <c>dump()</c> print per irq).</summary>
    public string StateText()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append($"irq {Irq}: {Owner.ToString().ToLowerInvariant()} {OwnerIndex}/{OwnerSub} chip={Chip?.Name ?? "none"}");
        sb.Append(Action is null ? " no-handler" : " handler");
        sb.Append($" depth={DisableDepth}");
        sb.Append(Activated ? ActivatedReserved ? " activated(reserved)" : " activated" : " not-activated");
        sb.Append(Started ? " started" : " not-started");
        sb.Append(Masked ? " masked" : " unmasked");
        if (Managed) sb.Append(" managed");
        if (ManagedShutdown) sb.Append(" managed-shutdown");
        if (PendingReplay) sb.Append(" pending-replay");
        if (MovePending) sb.Append($" move-pending={PendingMask}");
        if (InProgress) sb.Append($" in-progress=CPU{InProgressCpu}");
        sb.Append($" affinity={Affinity} effective={EffectiveAffinity}");
        sb.Append($" delivered={Delivered} handled={Invocations}");
        return sb.ToString();
    }

    public void Hash(ref StateHasher h)
    {
        h.Add(Allocated);
        if (!Allocated) return;
        h.Add((int)Owner); h.Add(OwnerIndex); h.Add(OwnerSub); h.Add(Chip?.Name ?? ""); h.Add((int)Flow);
        h.Add(NoRequest); h.Add(Action is not null); h.Add(Activated); h.Add(ActivatedReserved); h.Add(Started);
        h.Add(Masked); h.Add(DisableDepth); h.Add(InProgress); h.Add(InProgressCpu); h.Add(PendingReplay);
        h.Add(Affinity.Bits); h.Add(EffectiveAffinity.Bits); h.Add(Managed); h.Add(ManagedShutdown); h.Add(ManagedRestart); h.Add(CanReserve);
        h.Add(MovePending); h.Add(PendingMask.Bits); h.Add(AffinityBroken);
        h.Add(HandlersRunning); h.Add(AwaitingHandler);
    }
}

/// <summary>Which flow handler the irq uses.</summary>
public enum FlowKind : byte
{
    /// <summary>handle_edge_irq (x86 MSI, Xen dynamic and lateeoi).</summary>
    Edge,
    /// <summary>handle_percpu_irq (Xen per-CPU VIRQs and IPIs).</summary>
    PerCpu,
}
