using IrqVerify.Model.Core;

namespace IrqVerify.Model.Xen;

/// <summary>
/// The hypervisor's side of the guest's event channels (xen/common/event_channel.c): the port
/// table, vcpu_info.evtchn_upcall_pending, and the EVTCHNOP hypercalls. Each hypercall is atomic.
/// Port 0 is never valid.
/// </summary>
public sealed partial class XenHypervisor
{
    private readonly XenEvents _guest;

    public XenHypervisor(XenEvents guest, int vcpus, int maxPorts)
    {
        _guest = guest;
        Ports = new TrackedArray<EventChannel>(maxPorts, guest.Epoch);
        Ports.Fill(EventChannel.Free);
        UpcallPending = new TrackedArray<bool>(vcpus, guest.Epoch);
        Vcpus = vcpus;
    }

    public TrackedArray<EventChannel> Ports { get; }
    /// <summary>vcpu_info.evtchn_upcall_pending per vCPU.</summary>
    public TrackedArray<bool> UpcallPending { get; }
    public int Vcpus { get; }

    /// <summary>Highest usable port + 1 under the current ABI.</summary>
    public int PortLimit => Math.Min(Ports.Length, _guest.Abi.MaxChannels);

    public bool IsValidPort(int port) => port > 0 && port < PortLimit;

    public bool IsAllocated(int port) => IsValidPort(port) && Ports[port].State != EvtchnState.Free;

    /// <summary>vcpu_mark_events_pending.</summary>
    public void MarkEventsPending(int vcpu) => UpcallPending[vcpu] = true;

    private int GetFreePort()
    {
        for (int p = 1; p < PortLimit; p++)
            if (Ports[p].State == EvtchnState.Free) return p;
        return -1;
    }

    private int Allocate(EvtchnState state, int vcpu)
    {
        int p = GetFreePort();
        if (p < 0) return -1;
        Ports.Mutable(p).Reset();
        Ports.Mutable(p).State = state;
        Ports.Mutable(p).NotifyVcpu = vcpu;
        return p;
    }

    /// <summary>EVTCHNOP_alloc_unbound (by the remote domain): a port waiting for the guest.</summary>
    public Errno AllocUnbound(out int port)
    {
        port = Allocate(EvtchnState.Unbound, 0);
        return port < 0 ? Errno.ENOSPC : Errno.Ok;
    }

    /// <summary>EVTCHNOP_bind_virq: -EEXIST if already bound (globally, or on that vCPU for a
    /// per-vCPU VIRQ); global VIRQs must be bound to vCPU0.</summary>
    public Errno BindVirq(int virq, int vcpu, out int port)
    {
        port = -1;
        if (virq is < 0 or >= XenVirq.NrVirqs) return Errno.EINVAL;
        if (vcpu < 0 || vcpu >= Vcpus) return Errno.ENOENT;
        bool global = !XenVirq.IsPerCpu(virq);
        if (global && vcpu != 0) return Errno.EINVAL;
        for (int p = 1; p < PortLimit; p++)
        {
            var e = Ports[p];
            if (e.State == EvtchnState.Virq && e.Virq == virq && (global || e.NotifyVcpu == vcpu)) return Errno.EEXIST;
        }
        port = Allocate(EvtchnState.Virq, vcpu);
        if (port < 0) return Errno.ENOSPC;
        Ports.Mutable(port).Virq = virq;
        return Errno.Ok;
    }

    /// <summary>find_virq: the EVTCHNOP_status scan after -EEXIST.</summary>
    public int FindVirq(int virq, int vcpu)
    {
        for (int p = 1; p < PortLimit; p++)
        {
            var e = Ports[p];
            if (e.State == EvtchnState.Virq && e.Virq == virq && e.NotifyVcpu == vcpu) return p;
        }
        return -1;
    }

    /// <summary>EVTCHNOP_bind_ipi.</summary>
    public Errno BindIpi(int vcpu, out int port)
    {
        port = -1;
        if (vcpu < 0 || vcpu >= Vcpus) return Errno.ENOENT;
        port = Allocate(EvtchnState.Ipi, vcpu);
        return port < 0 ? Errno.ENOSPC : Errno.Ok;
    }

    /// <summary>
    /// EVTCHNOP_bind_vcpu: only changes notify_vcpu_id — a pending event is neither moved nor
    /// re-raised. Per-vCPU VIRQs and IPIs: -EINVAL.
    /// </summary>
    public Errno BindVcpu(int port, int vcpu)
    {
        if (!IsValidPort(port)) return Errno.EINVAL;
        if (vcpu < 0 || vcpu >= Vcpus) return Errno.ENOENT;
        ref var e = ref Ports.Mutable(port);
        switch (e.State)
        {
            case EvtchnState.Virq when !XenVirq.IsPerCpu(e.Virq):
            case EvtchnState.Unbound:
            case EvtchnState.Interdomain:
            case EvtchnState.Pirq:
                e.NotifyVcpu = vcpu;
                return Errno.Ok;
            default:
                return Errno.EINVAL;
        }
    }

    /// <summary>EVTCHNOP_close: the port becomes free (and may be handed out again at once).</summary>
    public Errno Close(int port)
    {
        if (!IsAllocated(port)) return Errno.EINVAL;
        _guest.Abi.XenClearPending(port);
        Ports.Mutable(port).Reset();
        return Errno.Ok;
    }

    /// <summary>EVTCHNOP_unmask.</summary>
    public Errno EvtchnUnmask(int port)
    {
        if (!IsValidPort(port)) return Errno.EINVAL;
        _guest.Abi.XenUnmask(port, Ports[port].NotifyVcpu);
        return Errno.Ok;
    }

    /// <summary>
    /// The remote end (EVTCHNOP_send) or Xen itself raising the port. Reports a 0→1 transition to
    /// the guest's oracle. -EINVAL for a free or invalid port.
    /// </summary>
    public Errno Send(int port)
    {
        if (!IsAllocated(port)) return Errno.EINVAL;
        if (_guest.Abi.XenSetPending(port, Ports[port].NotifyVcpu)) _guest.OnPendingRaised(port);
        return Errno.Ok;
    }

    internal void CopyFrom(XenHypervisor o)
    {
        Ports.CopyFrom(o.Ports);
        UpcallPending.CopyFrom(o.UpcallPending);
    }

    public void Hash(ref StateHasher h)
    {
        var ports = Ports.AsSpan();
        for (int p = 1; p < ports.Length; p++)
        {
            ref readonly var e = ref ports[p];
            if (e.State == EvtchnState.Free) continue;
            h.Add(p); h.Add((int)e.State); h.Add(e.NotifyVcpu); h.Add(e.Virq); h.Add(e.Priority);
        }
        foreach (bool b in UpcallPending) h.Add(b);
    }

    public void Dump(TextWriter w)
    {
        for (int p = 1; p < Ports.Length; p++)
        {
            var e = Ports[p];
            if (e.State == EvtchnState.Free) continue;
            w.WriteLine($"  xen port {p}: {e.State}{(e.Virq >= 0 ? $" virq={e.Virq}" : "")} notify=vcpu{e.NotifyVcpu}");
        }
        for (int c = 0; c < Vcpus; c++) w.WriteLine($"  vcpu{c}: upcall_pending={(UpcallPending[c] ? 1 : 0)}");
    }
}
