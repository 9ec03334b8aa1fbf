using IrqVerify.Model.Core;

namespace IrqVerify.Model.Xen;

/// <summary>
/// One event-channel ABI: the shared structures (pending / mask state, per-vCPU notification
/// state) with both the hypervisor's operations on them and Linux's evtchn_ops
/// (events_2l.c / events_fifo.c). Every method is atomic; only <see cref="HandleEvents"/> yields.
/// </summary>
public abstract class EvtchnAbi(XenEvents guest)
{
    protected XenEvents Guest { get; } = guest;
    protected XenHypervisor Hv => Guest.Hv;

    public abstract string Name { get; }
    /// <summary>xen_evtchn_max_channels() of this ABI.</summary>
    public abstract int MaxChannels { get; }

    public abstract bool IsPending(int port);
    public abstract bool IsMasked(int port);

    // ---- hypervisor side

    /// <summary>evtchn_port_set_pending: sets pending; notifies the vCPU if this makes an unmasked
    /// event newly visible. Returns true iff pending went 0→1.</summary>
    public abstract bool XenSetPending(int port, int notifyVcpu);

    /// <summary>EVTCHNOP_unmask: clears the mask and re-notifies if the port is pending.</summary>
    public abstract void XenUnmask(int port, int notifyVcpu);

    /// <summary>Port freed by EVTCHNOP_close: Xen clears its pending state.</summary>
    public abstract void XenClearPending(int port);

    // ---- guest side (evtchn_ops)

    public abstract void Mask(int port);

    /// <summary>
    /// Guest unmask from <paramref name="localCpu"/> of a port bound to <paramref name="boundCpu"/>.
    /// Returns the number of re-delivery paths used (local re-raise or EVTCHNOP_unmask; I-X8).
    /// </summary>
    public abstract int Unmask(int port, int localCpu, int boundCpu);

    /// <summary>clear_evtchn (the ack).</summary>
    public abstract void ClearPending(int port);

    /// <summary>set_evtchn (retrigger).</summary>
    public abstract void SetPending(int port);

    public virtual void BindToCpu(int port, int cpu, int oldCpu) { }

    public virtual void Remove(int port, int cpu) { }

    public virtual void PercpuDeinit(int cpu) { }

    public virtual void PercpuInit(int cpu) { }

    /// <summary>evtchn_ops->handle_events for <paramref name="cpu"/>.</summary>
    public abstract IEnumerable<Sched> HandleEvents(int cpu);

    /// <summary>Makes this ABI's state equal to <paramref name="o"/>'s, an ABI of the same kind and size.</summary>
    internal abstract void CopyFrom(EvtchnAbi o);

    public abstract void Hash(ref StateHasher h);

    public abstract void Dump(TextWriter w);
}
