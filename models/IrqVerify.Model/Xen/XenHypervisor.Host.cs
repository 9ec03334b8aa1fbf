using IrqVerify.Model.Core;

namespace IrqVerify.Model.Xen;

/// <summary>
/// What the host side (Xen, or KVM's Xen emulation as its selftest drives it) does besides
/// EVTCHNOP_send from the remote end: raw writes to the 2-level shared-info bitmaps and to
/// vcpu_info, the guest's own EVTCHNOP_send and SCHEDOP_poll hypercalls, and a hypervisor VIRQ
/// (the timer) firing. Each is one atomic step.
/// </summary>
public sealed partial class XenHypervisor
{
    /// <summary>The 2-level ABI the raw writes go to; null under FIFO (its event array has no such bits).</summary>
    private TwoLevelAbi? Shared => _guest.Abi as TwoLevelAbi;

    /// <summary>
    /// A host write of one bit of shared_info's evtchn_pending or evtchn_mask, nothing else (no
    /// pending_sel, no upcall: the selftest writes the bitmaps directly). -EINVAL for an invalid
    /// port or under the FIFO ABI.
    /// </summary>
    public Errno HostWrite(int port, bool mask, bool value)
    {
        if (Shared is not { } abi || !IsValidPort(port)) return Errno.EINVAL;
        abi.RawWrite(port, mask, value);
        return Errno.Ok;
    }

    /// <summary>A host write of vcpu_info.evtchn_upcall_pending = 1.</summary>
    public Errno HostSetUpcallPending(int vcpu)
    {
        if (vcpu < 0 || vcpu >= Vcpus) return Errno.EINVAL;
        UpcallPending[vcpu] = true;
        return Errno.Ok;
    }

    /// <summary>
    /// EVTCHNOP_send issued by the guest (xen/common/event_channel.c evtchn_send): an IPI port
    /// raises itself on its vCPU; an unbound port drops the notification silently (its remote end
    /// is not bound); an interdomain port raises the remote end, outside this guest; a VIRQ or PIRQ
    /// port is -EINVAL, as is a free port.
    /// </summary>
    public Errno GuestSend(int port)
    {
        if (!IsAllocated(port)) return Errno.EINVAL;
        switch (Ports[port].State)
        {
            case EvtchnState.Ipi:
                return Send(port);
            case EvtchnState.Unbound:
            case EvtchnState.Interdomain:
                return Errno.Ok;
            default:
                return Errno.EINVAL;
        }
    }

    /// <summary>
    /// SCHEDOP_poll on one port (xen/common/sched/core.c do_poll): ready at once when the port is
    /// pending, whether or not it is masked (polling masked ports is the point); otherwise the vCPU
    /// blocks until the timeout, which advances the logical clock. Result 0: woken by the port;
    /// 1: timed out. A poll with no timeout and nothing pending blocks forever: a sequential program
    /// has no one left to wake it, so the model refuses it (-EINVAL) and reports the misuse.
    /// </summary>
    public Errno Poll(int vcpu, int port, long timeoutTicks, out int result)
    {
        result = 0;
        if (vcpu < 0 || vcpu >= Vcpus || !IsValidPort(port) || timeoutTicks < 0) return Errno.EINVAL;
        if (_guest.Abi.IsPending(port)) return Errno.Ok;
        if (timeoutTicks == 0)
        {
            _guest.M.Misuse("SCHEDOP_poll", $"vcpu{vcpu} polls port {port} without a timeout and nothing is pending: it would block forever");
            return Errno.EINVAL;
        }
        _guest.Advance(timeoutTicks);
        result = 1;
        return Errno.Ok;
    }

    /// <summary>
    /// A hypervisor VIRQ firing (send_guest_vcpu_virq for a per-vCPU VIRQ such as the timer,
    /// send_guest_global_virq otherwise): the port bound to it is raised; with none bound the event
    /// is dropped. <paramref name="port"/> is the port raised (0: none).
    /// </summary>
    public Errno RaiseVirq(int virq, int vcpu, out int port)
    {
        port = 0;
        if (virq is < 0 or >= XenVirq.NrVirqs || vcpu < 0 || vcpu >= Vcpus) return Errno.EINVAL;
        bool perCpu = XenVirq.IsPerCpu(virq);
        if (!perCpu && vcpu != 0) return Errno.EINVAL;
        for (int p = 1; p < PortLimit; p++)
        {
            var e = Ports[p];
            if (e.State == EvtchnState.Virq && e.Virq == virq && (!perCpu || e.NotifyVcpu == vcpu)) { port = p; break; }
        }
        return port == 0 ? Errno.Ok : Send(port);
    }
}
