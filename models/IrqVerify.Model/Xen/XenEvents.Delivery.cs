using IrqVerify.Model.Core;

namespace IrqVerify.Model.Xen;

/// <summary>The delivery path (§4.4): the upcall loop and handle_irq_for_port with its claim.</summary>
public sealed partial class XenEvents
{
    /// <summary>The event loop currently holding an info per vCPU (the RCU reader's pointer; I-X12).</summary>
    internal readonly TrackedArray<IrqInfo?> HeldInfo;

    /// <summary>
    /// xen_evtchn_do_upcall on <paramref name="vcpu"/> (irqs off): under rcu_read_lock, loop
    /// {clear upcall_pending; handle_events} while Xen set it again. Nothing happens on an offline
    /// vCPU, without a pending upcall, or while this vCPU already runs one (it cannot nest).
    /// </summary>
    public IEnumerable<Sched> Upcall(int vcpu)
    {
        if (vcpu < 0 || vcpu >= Vcpus || !Online.Contains(vcpu) || UpcallStart[vcpu] >= 0 || !Hv.UpcallPending[vcpu]) yield break;
        RcuReadLock(vcpu);
        do
        {
            Hv.UpcallPending[vcpu] = false;
            foreach (var s in Abi.HandleEvents(vcpu)) yield return s;
        } while (Hv.UpcallPending[vcpu]);
        RcuReadUnlock(vcpu);
    }

    /// <summary>
    /// handle_irq_for_port: NULL-robust lookup; then (after a scheduling point) the
    /// acquire-exchange of is_active — already claimed → skip, the port stays pending; then
    /// generic_handle_irq. K10: no claim and no skip.
    /// </summary>
    internal IEnumerable<Sched> HandleIrqForPort(int port, int vcpu)
    {
        var info = EvtchnToInfo(port);
        if (info is null) yield break;
        HeldInfo[vcpu] = info;
        yield return Sched.At("handle_irq_for_port.lookup");
        if (info.Released)
        {
            M.Fatal("I-X12", $"use-after-free: vcpu{vcpu} event loop uses the freed irq_info of irq {info.Irq} (port {port})");
            HeldInfo[vcpu] = null;
            yield break;
        }
        if (!M.Variants.K10)
        {
            if (info.IsActive)
            {
                M.Trace?.Effect($"xen: port {port} already claimed, vcpu{vcpu} skips it (stays pending)");
                HeldInfo[vcpu] = null;
                yield break;
            }
            info.IsActive = true;
        }
        info.ClaimCount++;
        yield return Sched.At("handle_irq_for_port.claimed");
        var d = M.Irqs[info.Irq];
        if (d is not null && d.Chip is not null)
            foreach (var s in M.Irq.HandleIrq(d, vcpu)) yield return s;
        HeldInfo[vcpu] = null;
    }
}
