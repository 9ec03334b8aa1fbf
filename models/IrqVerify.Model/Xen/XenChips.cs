using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Xen;

/// <summary>
/// The Xen irq chips (events_base.c). Common to all: mask/unmask = do_mask/do_unmask(EXPLICIT),
/// set_affinity = set_affinity_irq, retrigger = temporary mask, set pending, temporary unmask.
/// Ack paths never yield: the generic flow holds the descriptor lock around them.
/// </summary>
public abstract class XenChip(XenEvents xen) : IIrqChip
{
    protected XenEvents Xen { get; } = xen;

    public abstract string Name { get; }

    public Errno Activate(IrqDesc d, bool reserve) => Errno.Ok;

    public void Deactivate(IrqDesc d) { }

    /// <summary>disable_dynirq.</summary>
    public void Mask(IrqDesc d)
    {
        if (Xen.InfoForIrq(d.Irq) is { } info && XenEvents.ValidEvtchn(info.Evtchn)) Xen.DoMask(info, MaskReason.Explicit);
    }

    /// <summary>enable_dynirq.</summary>
    public void Unmask(IrqDesc d)
    {
        if (Xen.InfoForIrq(d.Irq) is { } info && XenEvents.ValidEvtchn(info.Evtchn)) Xen.DoUnmask(info, MaskReason.Explicit);
    }

    public abstract IEnumerable<Sched> Ack(IrqDesc d, int cpu);

    /// <summary>mask_ack_dynirq: disable + ack_dynirq (releases the claim).</summary>
    public virtual IEnumerable<Sched> MaskAck(IrqDesc d, int cpu)
    {
        Mask(d);
        AckDynirq(d);
        return [];
    }

    public IEnumerable<Sched> SetAffinity(IrqDesc d, CpuMask dest, bool force, OpResult result) =>
        Xen.SetAffinityIrq(d, dest, result);

    public bool MoveDeferred => false;

    /// <summary>retrigger_dynirq.</summary>
    public bool Retrigger(IrqDesc d)
    {
        var info = Xen.InfoForIrq(d.Irq);
        if (info is null || !XenEvents.ValidEvtchn(info.Evtchn)) return false;
        Xen.DoMask(info, MaskReason.Temporary);
        Xen.Abi.SetPending(info.Evtchn);
        Xen.DoUnmask(info, MaskReason.Temporary);
        return true;
    }

    public void ForceCompleteMove(IrqDesc d, int outgoingCpu) { }

    public CpuMask OnlineCpus => Xen.Online;

    /// <summary>ack_dynirq: event_handler_exit on a valid port.</summary>
    protected void AckDynirq(IrqDesc d)
    {
        if (Xen.InfoForIrq(d.Irq) is { } info && XenEvents.ValidEvtchn(info.Evtchn)) Xen.EventHandlerExit(info);
    }
}

/// <summary>xen_dynamic_chip (handle_edge_irq): ack = event_handler_exit.</summary>
public sealed class XenDynamicChip(XenEvents xen) : XenChip(xen)
{
    public override string Name => "xen-dyn";

    public override IEnumerable<Sched> Ack(IrqDesc d, int cpu)
    {
        AckDynirq(d);
        return [];
    }
}

/// <summary>
/// xen_lateeoi_chip (handle_edge_irq): ack = do_mask(EOI_PENDING) + clear pending, keeping the
/// claim until xen_irq_lateeoi (K11: the ack releases it).
/// </summary>
public sealed class XenLateEoiChip(XenEvents xen) : XenChip(xen)
{
    public override string Name => "xen-dyn-lateeoi";

    public override IEnumerable<Sched> Ack(IrqDesc d, int cpu)
    {
        var info = Xen.InfoForIrq(d.Irq);
        if (info is null || !XenEvents.ValidEvtchn(info.Evtchn)) return [];
        Xen.DoMask(info, MaskReason.EoiPending);
        info.EoiCycleOpen = true;
        info.EoiCycleBase = d.Invocations;
        if (Xen.M.Variants.K11) Xen.EventHandlerExit(info);
        else Xen.Abi.ClearPending(info.Evtchn);
        return [];
    }
}

/// <summary>xen_percpu_chip (handle_percpu_irq) for per-vCPU VIRQs and IPIs.</summary>
public sealed class XenPercpuChip(XenEvents xen) : XenChip(xen)
{
    public override string Name => "xen-percpu";

    public override IEnumerable<Sched> Ack(IrqDesc d, int cpu)
    {
        AckDynirq(d);
        return [];
    }
}
