namespace IrqVerify.Model.Xen;

/// <summary>Masking with reasons (§4.5) and the per-port claim release (§4.8).</summary>
public sealed partial class XenEvents
{
    /// <summary>
    /// do_mask: the first reason masks the port in the shared structures; reasons accumulate.
    /// Requires a valid port. Guarantees: port masked and <paramref name="reason"/> recorded.
    /// </summary>
    internal void DoMask(IrqInfo info, MaskReason reason)
    {
        if (!ValidEvtchn(info.Evtchn)) return;
        if (info.MaskReason == MaskReason.None) Abi.Mask(info.Evtchn);
        info.MaskReason |= reason;
    }

    /// <summary>
    /// do_unmask: drops <paramref name="reason"/>; the port is unmasked only when no reason is
    /// left (I-X7). K12: a single mask state — any unmask unmasks the port.
    /// </summary>
    internal void DoUnmask(IrqInfo info, MaskReason reason)
    {
        if (!ValidEvtchn(info.Evtchn)) return;
        info.MaskReason &= ~reason;
        if (info.MaskReason == MaskReason.None || M.Variants.K12) UnmaskEvtchn(info);
    }

    /// <summary>unmask_evtchn through the ABI from the current vCPU; records the paths used (I-X8).</summary>
    private void UnmaskEvtchn(IrqInfo info)
    {
        int port = info.Evtchn;
        bool pending = Abi.IsPending(port);
        int paths = Abi.Unmask(port, M.CurrentCpu, info.Cpu);
        info.LastUnmaskWasPending = pending;
        info.LastUnmaskPaths = paths;
        M.Trace?.Effect($"xen: port {port} unmasked{(pending ? " while pending" : "")} ({paths} re-delivery path(s))");
    }

    /// <summary>event_handler_exit: release the claim (store-release) THEN clear pending.</summary>
    internal void EventHandlerExit(IrqInfo info)
    {
        ReleaseClaim(info);
        Abi.ClearPending(info.Evtchn);
    }

    /// <summary>smp_store_release(&amp;is_active, 0), with the I-X9 oracle count.</summary>
    internal static void ReleaseClaim(IrqInfo info)
    {
        info.IsActive = false;
        if (info.ClaimCount > 0) info.ClaimCount--;
    }
}
