using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Xen;

/// <summary>Invariants of the Xen event-channel subsystem (spec §8, I-X1..I-X16).</summary>
public static class XenInvariants
{
    /// <summary>What every check of this class reads: the guest's and the hypervisor's event-channel state and the irq descriptors.</summary>
    public const StateScope Reads = StateScope.Xen | StateScope.Irqs;

    public static IEnumerable<InvariantCheck> All => InvariantCheck.Reading(Reads,
    [
        new("I-X1", InvariantKind.Safety, "evtchn_to_irq[p] = irq <=> info(irq).evtchn = p for bound ports; no mapping lost", IX1),
        new("I-X2", InvariantKind.Safety, "a mapped port is never closed (mapping removed before EVTCHNOP_close)", IX2),
        new("I-X3", InvariantKind.Safety, "per-vCPU VIRQ/IPI tables agree with irq_info", IX3),
        new("I-X4", InvariantKind.Safety, "channels_on_cpu[c] = number of accounted infos bound to c", IX4),
        new("I-X5", InvariantKind.Safety, "2L: a bound port is in exactly the cpu_evtchn_mask of its vCPU; unbound ports and offline vCPUs in none", IX5),
        new("I-X6", InvariantKind.Safety, "refcnt is -1 or in 1..SHRT_MAX for a live channel", IX6),
        new("I-X7", InvariantKind.Safety, "a bound port is masked in the shared structures iff mask_reason != 0", IX7),
        new("I-X8", InvariantKind.Safety, "an unmask re-delivers a pending port through exactly one path, never two", IX8),
        new("I-X9", InvariantKind.Safety, "at most one CPU inside a port's claim window", IX9),
        new("I-X10", InvariantKind.Safety, "lateeoi: from delivery to EOI the port stays masked (EOI_PENDING) and claimed, no second delivery", IX10),
        new("I-X11", InvariantKind.Eventual, "no lost event: a raised, unmasked, requested port was handled after a drain", IX11),
        new("I-X12", InvariantKind.Safety, "the event loop never holds a released irq_info (RCU)", IX12),
        new("I-X13", InvariantKind.Safety, "a Xen edge irq's handler never runs on two vCPUs at once", IX13),
        new("I-X14", InvariantKind.Safety, "outside a rebind info->cpu = Xen's notify vCPU and no TEMPORARY mask reason remains", IX14),
        new("I-X15", InvariantKind.Safety, "a bound channel that was never started (or was shut down) is masked EXPLICIT", IX15),
        new("I-L2", InvariantKind.Eventual, "progress: a delayed late EOI happens (no irq_info left on an EOI list after a drain)", IL2),
        new("I-L3", InvariantKind.Eventual, "progress: a port masked for its late EOI is unmasked after a drain", IL3),
        new("I-L4", InvariantKind.Eventual, "progress: a pending, unmasked, mapped port of an online vCPU is delivered (not pending after a drain)", IL4),
        new("I-X16", InvariantKind.Safety, "late-EOI back-off: spurious_cnt saturates, delay <= HZ, a normal EOI resets the count", IX16),
    ]);

    private static XenEvents? X(Machine m) => m.Xen;

    /// <summary>I-X1: table ↔ info agreement in both directions.</summary>
    public static void IX1(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var (port, irq) in x.EvtchnToIrq.Mappings())
        {
            var info = x.InfoForIrq(irq);
            if (info is null || info.Freed || info.Evtchn != port)
                v.Add(new("I-X1", $"evtchn_to_irq[{port}] = {irq} but irq {irq} {(info is null || info.Freed ? "has no live info" : $"is bound to port {info.Evtchn}")}"));
        }
        foreach (var info in x.LiveInfos())
            if (info.SetupDone && XenEvents.ValidEvtchn(info.Evtchn) && x.EvtchnToIrq.Get(info.Evtchn) != info.Irq)
                v.Add(new("I-X1", $"irq {info.Irq} bound to port {info.Evtchn} but evtchn_to_irq[{info.Evtchn}] = {x.EvtchnToIrq.Get(info.Evtchn)} (mapping lost)"));
    }

    /// <summary>I-X2: no mapping of a port Xen considers free.</summary>
    public static void IX2(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var (port, irq) in x.EvtchnToIrq.Mappings())
            if (port >= x.Hv.Ports.Length || x.Hv.Ports[port].State == EvtchnState.Free)
                v.Add(new("I-X2", $"port {port} is closed but still mapped to irq {irq}"));
    }

    /// <summary>I-X3: VIRQ/IPI tables vs infos, both directions.</summary>
    public static void IX3(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        for (int c = 0; c < x.Vcpus; c++)
        {
            for (int q = 0; q < XenVirq.NrVirqs; q++)
            {
                int irq = x.VirqToIrq[c][q];
                if (irq < 0) continue;
                var i = x.InfoForIrq(irq);
                if (i is null || i.Freed || i.Type is not (IrqType.Virq or IrqType.Unbound) || i.Virq != q || (XenVirq.IsPerCpu(q) && i.SetupDone && i.Cpu != c))
                    v.Add(new("I-X3", $"virq_to_irq[vcpu{c}][{q}] = {irq} disagrees with {i?.ToString() ?? "no info"}"));
            }
            for (int q = 0; q < XenVirq.NrIpis; q++)
            {
                int irq = x.IpiToIrq[c][q];
                if (irq < 0) continue;
                var i = x.InfoForIrq(irq);
                if (i is null || i.Freed || i.Type is not (IrqType.Ipi or IrqType.Unbound) || i.Ipi != q || (i.SetupDone && (i.Cpu != c || x.IpiToEvtchn[c][q] != i.Evtchn)))
                    v.Add(new("I-X3", $"ipi_to_irq[vcpu{c}][{q}] = {irq} disagrees with {i?.ToString() ?? "no info"}"));
            }
        }
        foreach (var i in x.LiveInfos())
        {
            if (!i.SetupDone || !XenEvents.ValidEvtchn(i.Evtchn)) continue;
            if (i.Type == IrqType.Ipi && x.IpiToIrq[i.Cpu][i.Ipi] != i.Irq)
                v.Add(new("I-X3", $"irq {i.Irq}: IPI {i.Ipi} on vcpu{i.Cpu} missing from ipi_to_irq"));
            if (i.Type == IrqType.Virq)
            {
                bool found = false;
                for (int c = 0; c < x.Vcpus; c++) if (x.VirqToIrq[c][i.Virq] == i.Irq) found = true;
                if (!found) v.Add(new("I-X3", $"irq {i.Irq}: VIRQ {i.Virq} missing from virq_to_irq"));
            }
        }
    }

    /// <summary>I-X4: channel accounting.</summary>
    public static void IX4(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        for (int c = 0; c < x.Vcpus; c++)
        {
            int n = 0;
            foreach (var i in x.LiveInfos()) if (i.IsAccounted && i.Cpu == c) n++;
            if (n != x.ChannelsOnCpu[c])
                v.Add(new("I-X4", $"channels_on_cpu[vcpu{c}] = {x.ChannelsOnCpu[c]} but {n} accounted channels are bound there"));
        }
    }

    /// <summary>I-X5 (2L only): cpu_evtchn_mask bookkeeping.</summary>
    public static void IX5(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x || x.Abi is not TwoLevelAbi abi) return;
        foreach (var i in x.LiveInfos())
        {
            if (!i.SetupDone || !XenEvents.ValidEvtchn(i.Evtchn)) continue;
            for (int c = 0; c < x.Vcpus; c++)
                if (abi.InCpuMask(c, i.Evtchn) != (c == i.Cpu))
                    v.Add(new("I-X5", $"port {i.Evtchn} (irq {i.Irq}, vcpu{i.Cpu}) {(c == i.Cpu ? "missing from" : "also in")} cpu_evtchn_mask[vcpu{c}]"));
        }
        for (int c = 0; c < x.Vcpus; c++)
            for (int w = 0; w < TwoLevelAbi.Words; w++)
            {
                ulong bits = abi.CpuEvtchnMask[c][w];
                while (bits != 0)
                {
                    int port = w * TwoLevelAbi.WordBits + System.Numerics.BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    var i = x.EvtchnToInfo(port);
                    // A per-vCPU VIRQ/IPI bound to this vCPU while it is down is the CPU-up prepare
                    // step (xen_smp_intr_init before the vCPU runs), not a leftover of its offline.
                    bool offline = !x.Online.Contains(c) && !x.GoingOffline[c]
                        && !(i is { Freed: false, SetupDone: true } && i.Cpu == c && m.Irqs[i.Irq] is { IsPerCpu: true });
                    if (i is null || i.Freed || (i.SetupDone && i.Cpu != c) || offline)
                        v.Add(new("I-X5", $"cpu_evtchn_mask[vcpu{c}] holds port {port} which is {(i is null || i.Freed ? "unbound" :  offline ? "on an offline vCPU" : $"bound to vcpu{i.Cpu}")}"));
                }
            }
    }

    /// <summary>
    /// I-X6: refcount range. A refcounted channel reaches 0 only in __unbind_from_irq, which clears
    /// the port (xen_irq_info_cleanup) under the same irq_mapping_update_lock before it closes and
    /// frees; so 0 is legal on an info whose port is already gone, never on a bound one.
    /// </summary>
    public static void IX6(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var i in x.LiveInfos())
        {
            bool bound = XenEvents.ValidEvtchn(i.Evtchn);
            if (i.Refcnt > XenEvents.RefcntMax || i.Refcnt < IrqInfo.NotRefcounted || (i.Refcnt == 0 && bound))
                v.Add(new("I-X6", $"irq {i.Irq}: refcnt {i.Refcnt} (must be -1 or 1..{XenEvents.RefcntMax} while bound)"));
        }
    }

    /// <summary>I-X7: masked ⇔ mask_reason ≠ 0.</summary>
    public static void IX7(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var i in x.LiveInfos())
        {
            if (!XenEvents.ValidEvtchn(i.Evtchn)) continue;
            bool masked = x.Abi.IsMasked(i.Evtchn);
            if (masked != (i.MaskReason != MaskReason.None))
                v.Add(new("I-X7", $"port {i.Evtchn} (irq {i.Irq}) is {(masked ? "masked" : "unmasked")} but mask_reason = {i.MaskReason}"));
        }
    }

    /// <summary>I-X8: re-delivery paths of the last unmask.</summary>
    public static void IX8(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var i in x.LiveInfos())
            if (i.LastUnmaskPaths > 1 || (i.LastUnmaskWasPending && i.LastUnmaskPaths != 1))
                v.Add(new("I-X8", $"irq {i.Irq}: unmask of a {(i.LastUnmaskWasPending ? "pending" : "idle")} port used {i.LastUnmaskPaths} re-delivery paths"));
    }

    /// <summary>I-X9: claim exclusion.</summary>
    public static void IX9(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var i in x.Infos)
            if (i is not null && i.ClaimCount > 1)
                v.Add(new("I-X9", $"irq {i.Irq} (port {i.Evtchn}): {i.ClaimCount} CPUs inside the claim window at once"));
    }

    /// <summary>I-X10: the lateeoi cycle.</summary>
    public static void IX10(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var i in x.LiveInfos())
        {
            if (!i.LateEoi || !i.EoiCycleOpen || !XenEvents.ValidEvtchn(i.Evtchn)) continue;
            var d = m.Irqs[i.Irq];
            if ((i.MaskReason & MaskReason.EoiPending) == 0 || !x.Abi.IsMasked(i.Evtchn))
                v.Add(new("I-X10", $"irq {i.Irq}: port {i.Evtchn} unmasked before its late EOI (mask_reason={i.MaskReason})"));
            if (!i.IsActive)
                v.Add(new("I-X10", $"irq {i.Irq}: claim released before its late EOI"));
            if (d is not null && d.Invocations > i.EoiCycleBase + 1)
                v.Add(new("I-X10", $"irq {i.Irq}: {d.Invocations - i.EoiCycleBase} deliveries in one EOI cycle"));
        }
    }

    /// <summary>I-X11 (eventual): nothing owed on an unmasked, requested, enabled port after a drain.</summary>
    public static void IX11(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var i in x.LiveInfos())
        {
            var d = m.Irqs[i.Irq];
            if (d is null || !XenEvents.ValidEvtchn(i.Evtchn) || !d.AwaitingHandler || d.Action is null) continue;
            if (d.DisableDepth != 0 || !d.Started || i.MaskReason != MaskReason.None || !x.Online.Contains(i.Cpu)) continue;
            // Upstream loss, not a model bug: FIFO evtchn_fifo_percpu_deinit consumes the dead vCPU's
            // queues with drop = true ("Dropping pending event for port"). A rebind during the offline
            // only changed notify_vcpu_id and Xen does not relink an event still LINKED in the old
            // queue (§4.1), so that occurrence stays pending and unlinked until the next send re-links
            // it (which clears the flag, so a loss after that is reported again).
            if (i.DroppedByTeardown) continue;
            v.Add(new("I-X11", $"irq {i.Irq} (port {i.Evtchn}): event raised but the handler never ran (lost event)"));
        }
    }

    /// <summary>I-L2 (progress): xen_irq_lateeoi_worker runs every delayed EOI once its time has come.</summary>
    public static void IL2(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var i in x.LiveInfos())
            if (i.OnEoiList)
                v.Add(new("I-L2", $"irq {i.Irq} (port {i.Evtchn}): late EOI still queued on vcpu{i.EoiCpu} (due tick {i.EoiTime}) after a drain"));
    }

    /// <summary>I-L3 (progress): the EOI_PENDING mask reason set at delivery is cleared by the EOI.</summary>
    public static void IL3(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var i in x.LiveInfos())
            if ((i.MaskReason & MaskReason.EoiPending) != 0 && XenEvents.ValidEvtchn(i.Evtchn))
                v.Add(new("I-L3", $"irq {i.Irq} (port {i.Evtchn}): still masked for its late EOI after a drain"));
    }

    /// <summary>I-L4 (progress): Xen raises the upcall for a pending, unmasked port of an online vCPU
    /// and the event loop consumes it. The FIFO teardown drop (see I-X11) is upstream behaviour.</summary>
    public static void IL4(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var (port, irq) in x.EvtchnToIrq.Mappings())
        {
            if (!x.Abi.IsPending(port) || x.Abi.IsMasked(port)) continue;
            int vcpu = x.Hv.Ports[port].NotifyVcpu;
            if (!x.Online.Contains(vcpu) || x.InfoForIrq(irq) is { DroppedByTeardown: true }) continue;
            v.Add(new("I-L4", $"port {port} (irq {irq}): pending and unmasked for online vcpu{vcpu} after a drain (never delivered)"));
        }
    }

    /// <summary>I-X12: no loop holds released memory.</summary>
    public static void IX12(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        for (int c = 0; c < x.Vcpus; c++)
            if (x.HeldInfo[c] is { Released: true } i)
                v.Add(new("I-X12", $"vcpu{c} event loop holds the released irq_info of irq {i.Irq}"));
    }

    /// <summary>I-X13: no concurrent handler on a Xen edge irq.</summary>
    public static void IX13(Machine m, List<Violation> v)
    {
        foreach (var d in m.Irqs.AllocatedDescs())
            if (d.Allocated && d.Owner == IrqOwner.Xen && !d.IsPerCpu && d.HandlersRunning > 1)
                v.Add(new("I-X13", $"irq {d.Irq}: handler running on {d.HandlersRunning} vCPUs at once"));
    }

    /// <summary>I-X14: rebind bookkeeping.</summary>
    public static void IX14(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var i in x.LiveInfos())
        {
            if (!i.SetupDone || !XenEvents.ValidEvtchn(i.Evtchn) || i.RebindsInProgress > 0) continue;
            int notify = x.Hv.Ports[i.Evtchn].NotifyVcpu;
            if (i.Cpu != notify)
                v.Add(new("I-X14", $"irq {i.Irq}: info->cpu = vcpu{i.Cpu} but Xen notifies vcpu{notify} for port {i.Evtchn}"));
            if ((i.MaskReason & MaskReason.Temporary) != 0)
                v.Add(new("I-X14", $"irq {i.Irq}: TEMPORARY mask reason left behind"));
        }
    }

    /// <summary>I-X15: not started ⇒ masked EXPLICIT.</summary>
    public static void IX15(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var i in x.LiveInfos())
        {
            var d = m.Irqs[i.Irq];
            if (d is null || !XenEvents.ValidEvtchn(i.Evtchn) || d.Started) continue;
            if ((i.MaskReason & MaskReason.Explicit) == 0)
                v.Add(new("I-X15", $"irq {i.Irq}: port {i.Evtchn} not started but mask_reason = {i.MaskReason}"));
        }
    }

    /// <summary>I-X16: late-EOI back-off bounds.</summary>
    public static void IX16(Machine m, List<Violation> v)
    {
        if (X(m) is not { } x) return;
        foreach (var i in x.LiveInfos())
        {
            if (i.SpuriousCnt > XenEvents.SpuriousCntMax)
                v.Add(new("I-X16", $"irq {i.Irq}: spurious_cnt {i.SpuriousCnt} beyond saturation {XenEvents.SpuriousCntMax}"));
            if (i.EoiTime != 0 && i.EoiTime - i.EoiTimeSetAt > XenEvents.Hz)
                v.Add(new("I-X16", $"irq {i.Irq}: EOI delayed {i.EoiTime - i.EoiTimeSetAt} ticks > HZ"));
            if (i.LastEoiKind == 2 && i.SpuriousCnt != 0)
                v.Add(new("I-X16", $"irq {i.Irq}: spurious_cnt {i.SpuriousCnt} after a normal EOI"));
        }
    }
}
