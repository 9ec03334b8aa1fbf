using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Model.Xen;

/// <summary>Program operations of the Xen subsystem (kernel function names).</summary>
public static class XenOps
{
    private static readonly string[] SpuriousWords = ["normal", "spurious"];

    public static void Register(OpCatalog c)
    {
        c.Add(new OpSpec("evtchn_alloc_unbound", [], ResultKind.Port, -1,
            (m, a, r) => Once(m, x => { var e = x.Hv.AllocUnbound(out int p); if (e == Errno.Ok) r.Set(p); else r.Fail(e); }),
            "EVTCHNOP_alloc_unbound by the remote domain: a port for the guest to bind") { IsEnvironment = true });
        c.Add(new OpSpec("bind_evtchn_to_irq", [ParamSpec.Port()], ResultKind.Irq, -1,
            (m, a, r) => Xen(m, r)?.BindEvtchnToIrq(a.Int(0), false, r) ?? [],
            "bind_evtchn_to_irq(port): a Linux irq on xen_dynamic_chip, bound to vCPU0, masked until request_irq"));
        c.Add(new OpSpec("bind_evtchn_to_irq_lateeoi", [ParamSpec.Port()], ResultKind.Irq, -1,
            (m, a, r) => Xen(m, r)?.BindEvtchnToIrq(a.Int(0), true, r) ?? [],
            "bind_evtchn_to_irq_lateeoi(port): like bind_evtchn_to_irq on xen_lateeoi_chip"));
        c.Add(new OpSpec("bind_evtchn_to_irq_unlocked", [ParamSpec.Port()], ResultKind.Irq, -1,
            (m, a, r) => Xen(m, r)?.BindEvtchnLocked(a.Int(0), false, r) ?? [],
            "the body of bind_evtchn_to_irq without irq_mapping_update_lock, as binders such as startup_pirq reach set_evtchn_to_irq (K14's race)"));
        c.Add(new OpSpec("bind_virq_to_irq", [ParamSpec.Int("virq"), ParamSpec.Cpu("vcpu")], ResultKind.Irq, 1,
            (m, a, r) => Xen(m, r)?.BindVirqToIrq(a.Int(0), a.Int(1), r) ?? [],
            "bind_virq_to_irq(virq, vcpu): per-vCPU VIRQs on xen_percpu_chip, global ones (vCPU0) dynamic"));
        c.Add(new OpSpec("bind_ipi_to_irq", [ParamSpec.Int("ipi"), ParamSpec.Cpu("vcpu")], ResultKind.Irq, 1,
            (m, a, r) => Xen(m, r)?.BindIpiToIrq(a.Int(0), a.Int(1), r) ?? [],
            "bind_ipi_to_irq(ipi, vcpu): an IPI channel on xen_percpu_chip"));
        c.Add(new OpSpec("unbind_from_irqhandler", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => Xen(m, r)?.UnbindFromIrqhandler(a.Int(0), r) ?? [],
            "unbind_from_irqhandler(irq): free_irq + unbind_from_irq"));
        c.Add(new OpSpec("unbind_from_irq", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => Xen(m, r)?.UnbindFromIrq(a.Int(0), r) ?? [],
            "unbind_from_irq(irq): remove the mapping, close the port, RCU-free the irq"));
        c.Add(new OpSpec("xen_send", [ParamSpec.Port()], ResultKind.None, -1,
            (m, a, r) => Once(m, x => { var e = x.Hv.Send(a.Int(0)); if (e == Errno.Ok) r.Set(0); else r.Fail(e); }),
            "the remote end / Xen raises the port (sets pending; notifies on 0->1 when unmasked)") { IsEnvironment = true });
        c.Add(new OpSpec("xen_upcall", [ParamSpec.Cpu("vcpu")], ResultKind.None, 0,
            (m, a, r) => Xen(m, r)?.Upcall(a.Int(0)) ?? [],
            "xen_evtchn_do_upcall on the vCPU (if its upcall is pending)"));
        c.Add(new OpSpec("xen_rebind", [ParamSpec.Irq(), ParamSpec.Cpu("vcpu")], ResultKind.None, -1,
            (m, a, r) => m.Irq.SetAffinity(a.Int(0), CpuMask.Of(a.Int(1)), r),
            "irq_set_affinity(irq, {vcpu}) -> set_affinity_irq -> xen_rebind_evtchn_to_cpu"));
        c.Add(new OpSpec("xen_irq_lateeoi", [ParamSpec.Irq(), ParamSpec.Word("kind", SpuriousWords)], ResultKind.Int, -1,
            (m, a, r) => Xen(m, r)?.XenIrqLateeoi(a.Int(0), a.Int(1) == 1, r) ?? [],
            "xen_irq_lateeoi(irq, normal|spurious): the driver's EOI (spurious: back-off)"));
        c.Add(new OpSpec("xen_mask", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => Once(m, x => { if (m.Irqs[a.Int(0)] is { } d && x.InfoForIrq(d.Irq) is not null) { m.Irq.Mask(d); r.Set(0); } else r.Fail(Errno.EINVAL); }),
            "mask the irq's port (EXPLICIT reason)"));
        c.Add(new OpSpec("xen_unmask", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => Once(m, x =>
            {
                if (m.Irqs[a.Int(0)] is not { } d || x.InfoForIrq(d.Irq) is null) { r.Fail(Errno.EINVAL); return; }
                // The generic layer unmasks only started irqs; a raw chip unmask of an irq nobody
                // started breaks I-X15 by the caller's hand. The chip does what it is told.
                if (!d.Started) m.Misuse("I-X15", $"xen_unmask: irq {d.Irq} is not started");
                m.Irq.Unmask(d);
                r.Set(0);
            }),
            "unmask the irq's port (drop the EXPLICIT reason)"));
        c.Add(new OpSpec("xen_vcpu_offline", [ParamSpec.Cpu("vcpu")], ResultKind.None, -1,
            (m, a, r) => Xen(m, r)?.VcpuOffline(a.Int(0), r) ?? [],
            "take a vCPU offline: unbind its per-CPU channels, move the rest, per-CPU ABI teardown"));
        c.Add(new OpSpec("xen_vcpu_online", [ParamSpec.Cpu("vcpu")], ResultKind.None, -1,
            (m, a, r) => Xen(m, r)?.VcpuOnlineOp(a.Int(0), r) ?? [],
            "bring a vCPU online"));
        c.Add(new OpSpec("xen_set_abi", [ParamSpec.Word("abi", "2l", "fifo")], ResultKind.None, -1,
            (m, a, r) => Once(m, x => { var e = x.SetAbi(a.Int(0) == 0 ? "2l" : "fifo"); if (e == Errno.Ok) r.Set(0); else r.Fail(e); }),
            "switch the event-channel ABI (only while nothing is bound)"));
        c.Add(new OpSpec("xen_eoi_worker", [ParamSpec.Cpu("vcpu")], ResultKind.None, 0,
            (m, a, r) => Xen(m, r)?.LateeoiWorker(a.Int(0)) ?? [],
            "the vCPU's delayed late-EOI worker: EOI every due entry"));
        c.Add(new OpSpec("xen_tick", [], ResultKind.None, -1,
            (m, a, r) => Once(m, x => { x.Tick(); r.Set(x.Jiffies); }),
            "advance the logical clock by one tick") { IsEnvironment = true });
        c.Add(new OpSpec("evtchn_from_irq", [ParamSpec.Irq()], ResultKind.Port, -1,
            (m, a, r) => Once(m, x => r.Set(x.EvtchnFromIrq(a.Int(0)))),
            "evtchn_from_irq(irq): the port the irq is bound to (0: none)"));
        c.Add(new OpSpec("evtchnop_send", [ParamSpec.Port()], ResultKind.None, -1,
            (m, a, r) => Once(m, x => Done(r, x.Hv.GuestSend(a.Int(0)))),
            "the guest's EVTCHNOP_send: an IPI port raises itself, an unbound or interdomain one notifies the remote end"));
        c.Add(new OpSpec("sched_poll", [ParamSpec.Cpu("vcpu"), ParamSpec.Port(), ParamSpec.Int("timeout")], ResultKind.Int, 0,
            (m, a, r) => Once(m, x => { var e = x.Hv.Poll(a.Int(0), a.Int(1), a[2], out int res); if (e == Errno.Ok) r.Set(res); else r.Fail(e); }),
            "SCHEDOP_poll(vcpu, port, timeout ticks): 0 when the port is pending (masked or not), 1 after the timeout"));
        c.Add(new OpSpec("xen_raise_virq", [ParamSpec.Int("virq"), ParamSpec.Cpu("vcpu")], ResultKind.Int, -1,
            (m, a, r) => Once(m, x => { var e = x.Hv.RaiseVirq(a.Int(0), a.Int(1), out int p); if (e == Errno.Ok) r.Set(p); else r.Fail(e); }),
            "the hypervisor fires a VIRQ (0: the timer) on the vCPU: raises the port bound to it (result: the port, 0 if none)") { IsEnvironment = true });
        c.Add(new OpSpec("xen_host_set_pending", [ParamSpec.Port()], ResultKind.None, -1,
            (m, a, r) => Once(m, x => Done(r, x.Hv.HostWrite(a.Int(0), mask: false, value: true))),
            "the host writes the port's bit in shared_info evtchn_pending (2-level; no upcall)") { IsEnvironment = true, PeerHarness = true });
        c.Add(new OpSpec("xen_host_clear_pending", [ParamSpec.Port()], ResultKind.None, -1,
            (m, a, r) => Once(m, x => { HostWriteContract(m, x, a.Int(0), mask: false); Done(r, x.Hv.HostWrite(a.Int(0), mask: false, value: false)); }),
            "the host clears the port's bit in shared_info evtchn_pending (2-level)") { IsEnvironment = true, PeerHarness = true });
        c.Add(new OpSpec("xen_host_set_mask", [ParamSpec.Port()], ResultKind.None, -1,
            (m, a, r) => Once(m, x => { HostWriteContract(m, x, a.Int(0), mask: true); Done(r, x.Hv.HostWrite(a.Int(0), mask: true, value: true)); }),
            "the host writes the port's bit in shared_info evtchn_mask (2-level)") { IsEnvironment = true, PeerHarness = true });
        c.Add(new OpSpec("xen_host_clear_mask", [ParamSpec.Port()], ResultKind.None, -1,
            (m, a, r) => Once(m, x => { HostWriteContract(m, x, a.Int(0), mask: true); Done(r, x.Hv.HostWrite(a.Int(0), mask: true, value: false)); }),
            "the host clears the port's bit in shared_info evtchn_mask (2-level; no re-notification)") { IsEnvironment = true, PeerHarness = true });
        c.Add(new OpSpec("xen_host_set_upcall_pending", [ParamSpec.Cpu("vcpu")], ResultKind.None, -1,
            (m, a, r) => Once(m, x => Done(r, x.Hv.HostSetUpcallPending(a.Int(0)))),
            "the host writes vcpu_info.evtchn_upcall_pending = 1") { IsEnvironment = true, PeerHarness = true });
        c.Add(new OpSpec("evtchn_make_refcounted", [ParamSpec.Port()], ResultKind.None, -1,
            (m, a, r) => Once(m, x => { var e = x.EvtchnMakeRefcounted(a.Int(0)); if (e == Errno.Ok) r.Set(1); else r.Fail(e); }),
            "evtchn_make_refcounted(port): refcnt -1 -> 1 (user channel)"));
        c.Add(new OpSpec("evtchn_get", [ParamSpec.Port()], ResultKind.Int, -1,
            (m, a, r) => Xen(m, r)?.EvtchnGet(a.Int(0), r) ?? [],
            "evtchn_get(port): one more reference"));
        c.Add(new OpSpec("evtchn_put", [ParamSpec.Port()], ResultKind.None, -1,
            (m, a, r) => Xen(m, r)?.EvtchnPut(a.Int(0), r) ?? [],
            "evtchn_put(port): drop a reference (unbind at 0)"));
    }

    /// <summary>The machine's Xen guest; -ENODEV-like -EINVAL on a machine without one.</summary>
    private static XenEvents? Xen(Machine m, OpResult r)
    {
        if (m.Xen is null) r.Fail(Errno.EINVAL);
        return m.Xen;
    }

    /// <summary>
    /// With a Linux guest the mask bitmap is the guest's (Xen never writes it for a bound port) and
    /// a pending event is withdrawn only by closing the port: a host write of a bound port's mask
    /// bit, or the clearing of a raised event a handler still owes, breaks I-X7 / I-X11 by the
    /// host's hand. Reported as misuse under those ids (KVM's selftest does both to a guest that
    /// keeps no such state; docs/peer-suites.md).
    /// </summary>
    private static void HostWriteContract(Machine m, XenEvents x, int port, bool mask)
    {
        if (!x.Hv.IsValidPort(port) || x.EvtchnToIrq.Get(port) is var irq && irq < 0) return;
        if (mask)
            m.Misuse("I-X7", $"the host writes the mask bit of port {port} (irq {irq}), which the guest owns");
        else if (x.Abi.IsPending(port) && m.Irqs[irq] is { AwaitingHandler: true })
            m.Misuse("I-X11", $"the host clears the pending bit of port {port}: the raised event of irq {irq} is withdrawn");
    }

    private static void Done(OpResult r, Errno e)
    {
        if (e == Errno.Ok) r.Set(0); else r.Fail(e);
    }

    /// <summary>A single atomic step.</summary>
    private static IEnumerable<Sched> Once(Machine m, Action<XenEvents> body)
    {
        yield return Sched.At("xen.op");
        if (m.Xen is not null) body(m.Xen);
    }
}
