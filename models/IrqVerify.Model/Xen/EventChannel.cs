namespace IrqVerify.Model.Xen;

/// <summary>Hypervisor-side state of a port (Xen ECS_*).</summary>
public enum EvtchnState : byte { Free, Unbound, Interdomain, Virq, Ipi, Pirq }

/// <summary>
/// Xen's struct evtchn for one port of the guest: its binding and the vCPU it notifies. The
/// pending/mask bits live in the ABI's shared structures (<see cref="EvtchnAbi"/>).
/// A value type stored inline in the hypervisor's port array (thousands of ports: one array, no
/// per-port objects, copied with one Array.Copy). Mutate it in place through the tracked array:
/// <c>Ports.Mutable(p).X = ...</c> or <c>ref var e = ref Ports.Mutable(p)</c> (which bumps the Xen
/// change epoch), never through a copy.
/// </summary>
public struct EventChannel
{
    /// <summary>A free port: what Reset() leaves.</summary>
    public static readonly EventChannel Free = new();

    public EventChannel() { }

    public EvtchnState State;
    /// <summary>notify_vcpu_id: the vCPU an upcall is raised on.</summary>
    public int NotifyVcpu;
    /// <summary>The VIRQ number of a VIRQ port, else -1.</summary>
    public int Virq = -1;
    /// <summary>FIFO priority (0 highest .. 15 lowest).</summary>
    public int Priority = FifoAbi.DefaultPriority;

}

/// <summary>Resets a port in place. An extension on <c>ref</c>, so that calling it on a copy (a port
/// read through <see cref="Core.TrackedArray{T}"/>'s indexer) does not compile.</summary>
public static class EventChannelReset
{
    public static void Reset(this ref EventChannel e) => e = EventChannel.Free;
}

/// <summary>VIRQ and IPI numbering (include/xen/interface/xen.h, xen/events.h).</summary>
public static class XenVirq
{
    public const int NrVirqs = 24;
    public const int Timer = 0;
    public const int Debug = 1;
    public const int Console = 2;
    public const int DomExc = 3;
    public const int XenOprof = 5;
    public const int XenPmu = 13;
    /// <summary>XEN_NR_IPIS.</summary>
    public const int NrIpis = 8;

    /// <summary>Xen's !virq_is_global: bound per vCPU, never rebindable.</summary>
    public static bool IsPerCpu(int virq) => virq is Timer or Debug or XenOprof or XenPmu;
}
