using IrqVerify.Model.Core;

namespace IrqVerify.Model.Xen;

/// <summary>irq_info type (IRQT_*).</summary>
public enum IrqType : byte { Unbound, Pirq, Virq, Ipi, Evtchn }

/// <summary>EVT_MASK_REASON_* bits: the port is masked while any reason is set (§4.5).</summary>
[Flags]
public enum MaskReason : byte { None = 0, Explicit = 1, Temporary = 2, EoiPending = 4 }

/// <summary>
/// Linux's struct irq_info for one Xen irq (events_base.c), plus oracle bookkeeping (marked).
/// Lifetime: <see cref="Freed"/> once unbound (xen_free_irq); <see cref="Released"/> once the RCU
/// grace period ended and the memory is gone.
/// </summary>
public sealed class IrqInfo(int irq, ChangeEpoch epoch)
{
    public const int NotRefcounted = -1;

    public int Irq { get; } = irq;
    public IrqType Type { get; set { field = value; epoch.Bump(); } }
    public int Evtchn { get; set { field = value; epoch.Bump(); } }
    /// <summary>The vCPU the port is bound to (info->cpu).</summary>
    public int Cpu { get; set { field = value; epoch.Bump(); } }
    public MaskReason MaskReason { get; set { field = value; epoch.Bump(); } }
    /// <summary>The per-port delivery claim (§4.8).</summary>
    public bool IsActive { get; set { field = value; epoch.Bump(); } }
    public int Refcnt { get; set { field = value; epoch.Bump(); } } = NotRefcounted;
    public int SpuriousCnt { get; set { field = value; epoch.Bump(); } }
    /// <summary>Counted in channels_on_cpu.</summary>
    public bool IsAccounted { get; set { field = value; epoch.Bump(); } }
    public bool IsStatic { get; set { field = value; epoch.Bump(); } }
    /// <summary>Bound with xen_lateeoi_chip.</summary>
    public bool LateEoi { get; set { field = value; epoch.Bump(); } }
    public int Virq { get; set { field = value; epoch.Bump(); } } = -1;
    public int Ipi { get; set { field = value; epoch.Bump(); } } = -1;
    public int EoiCpu { get; set { field = value; epoch.Bump(); } }
    /// <summary>eoi_time in ticks; 0 = none.</summary>
    public long EoiTime { get; set { field = value; epoch.Bump(); } }
    /// <summary>Queued on EoiCpu's EOI list.</summary>
    public bool OnEoiList { get; set { field = value; epoch.Bump(); } }

    public bool Freed { get; set { field = value; epoch.Bump(); } }
    public bool Released { get; set { field = value; epoch.Bump(); } }
    /// <summary>RCU clock value at xen_free_irq.</summary>
    public long FreeSeq { get; set { field = value; epoch.Bump(); } }

    // ---- oracle bookkeeping (not kernel state) ----

    /// <summary>Binding finished (mapping written and bound to its vCPU).</summary>
    public bool SetupDone { get; set { field = value; epoch.Bump(); } }
    /// <summary>CPUs inside the claim→release window (I-X9).</summary>
    public int ClaimCount { get; set { field = value; epoch.Bump(); } }
    /// <summary>Lateeoi: delivered (acked) and not yet EOI'd (I-X10).</summary>
    public bool EoiCycleOpen { get; set { field = value; epoch.Bump(); } }
    /// <summary>desc Invocations when the open EOI cycle started.</summary>
    public long EoiCycleBase { get; set { field = value; epoch.Bump(); } }
    /// <summary>Inside xen_rebind_evtchn_to_cpu (I-X14 is checked outside it).</summary>
    public int RebindsInProgress { get; set { field = value; epoch.Bump(); } }
    /// <summary>The last port unmask found the port pending / used this many re-delivery paths (I-X8).</summary>
    public bool LastUnmaskWasPending { get; set { field = value; epoch.Bump(); } }
    public int LastUnmaskPaths { get; set { field = value; epoch.Bump(); } }
    /// <summary>Tick at which the current eoi_time was set (I-X16).</summary>
    public long EoiTimeSetAt { get; set { field = value; epoch.Bump(); } }
    /// <summary>0 none, 1 spurious, 2 non-spurious: the last xen_irq_lateeoi (I-X16).</summary>
    public byte LastEoiKind { get; set { field = value; epoch.Bump(); } }
    /// <summary>Oracle (I-X11): the FIFO per-CPU teardown dropped this port's linked occurrence
    /// ("Dropping pending event for port"); cleared when Xen links the port again.</summary>
    public bool DroppedByTeardown { get; set { field = value; epoch.Bump(); } }

    /// <summary>Copies every field of <paramref name="o"/> (an irq_info of the same irq).</summary>
    public void CopyFrom(IrqInfo o)
    {
        Type = o.Type; Evtchn = o.Evtchn; Cpu = o.Cpu; MaskReason = o.MaskReason; IsActive = o.IsActive; Refcnt = o.Refcnt;
        SpuriousCnt = o.SpuriousCnt; IsAccounted = o.IsAccounted; IsStatic = o.IsStatic; LateEoi = o.LateEoi; Virq = o.Virq;
        Ipi = o.Ipi; EoiCpu = o.EoiCpu; EoiTime = o.EoiTime; OnEoiList = o.OnEoiList; Freed = o.Freed; Released = o.Released;
        FreeSeq = o.FreeSeq; SetupDone = o.SetupDone; ClaimCount = o.ClaimCount; EoiCycleOpen = o.EoiCycleOpen;
        EoiCycleBase = o.EoiCycleBase; RebindsInProgress = o.RebindsInProgress; LastUnmaskWasPending = o.LastUnmaskWasPending;
        LastUnmaskPaths = o.LastUnmaskPaths; EoiTimeSetAt = o.EoiTimeSetAt; LastEoiKind = o.LastEoiKind;
        DroppedByTeardown = o.DroppedByTeardown;
    }

    public bool IsBound => !Freed && XenEvents.ValidEvtchn(Evtchn);

    public void Hash(ref StateHasher h)
    {
        h.Add(Irq); h.Add((int)Type); h.Add(Evtchn); h.Add(Cpu); h.Add((int)MaskReason); h.Add(IsActive);
        h.Add(Refcnt); h.Add(SpuriousCnt); h.Add(IsAccounted); h.Add(IsStatic); h.Add(LateEoi); h.Add(Virq); h.Add(Ipi);
        h.Add(EoiCpu); h.Add(EoiTime); h.Add(OnEoiList); h.Add(Freed); h.Add(Released);
        h.Add(SetupDone); h.Add(ClaimCount); h.Add(EoiCycleOpen); h.Add(RebindsInProgress); h.Add(DroppedByTeardown);
    }

    public override string ToString() =>
        $"irq {Irq}: {Type} port={Evtchn} cpu={Cpu} mask_reason={MaskReason} active={(IsActive ? 1 : 0)} refcnt={Refcnt}" +
        $"{(LateEoi ? $" lateeoi spurious={SpuriousCnt} eoi_time={EoiTime}" : "")}{(Freed ? " freed" : "")}";
}
