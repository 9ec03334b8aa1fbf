using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Xen;

/// <summary>Rebinding to another vCPU (§4.6) and vCPU hotplug.</summary>
public sealed partial class XenEvents
{
    /// <summary>select_target_cpu: the online vCPU of <paramref name="dest"/> with the fewest
    /// channels (first on ties); all online vCPUs if none of dest is online.</summary>
    public int SelectTargetCpu(CpuMask dest)
    {
        int best = -1, min = int.MaxValue;
        foreach (int c in dest.And(Online))
        {
            if (ChannelsOnCpu[c] < min) { min = ChannelsOnCpu[c]; best = c; }
        }
        return best >= 0 || dest == Online ? best : SelectTargetCpu(Online);
    }

    /// <summary>set_affinity_irq: rebind to the selected vCPU; effective affinity = that vCPU.</summary>
    internal IEnumerable<Sched> SetAffinityIrq(IrqDesc d, CpuMask dest, OpResult r)
    {
        int tcpu = SelectTargetCpu(dest);
        var res = new OpResult();
        foreach (var s in RebindEvtchnToCpu(InfoForIrq(d.Irq), tcpu, res)) yield return s;
        if (!res.Ok) { r.Fail(res.Error); yield break; }
        d.EffectiveAffinity = CpuMask.Of(tcpu);
        r.Set(tcpu);
    }

    /// <summary>
    /// xen_rebind_evtchn_to_cpu: do_mask(TEMPORARY); EVTCHNOP_bind_vcpu; on success
    /// bind_evtchn_to_cpu; do_unmask(TEMPORARY) (a still-pending event is re-raised on the new
    /// target by the unmask path). A refused hypercall (per-vCPU VIRQ/IPI) is ignored: the
    /// binding stays. The temporary mask does not fence a scan that already snapshotted the port.
    /// </summary>
    internal IEnumerable<Sched> RebindEvtchnToCpu(IrqInfo? info, int tcpu, OpResult r)
    {
        if (info is null || !info.IsBound || tcpu < 0) { r.Fail(Errno.EINVAL); yield break; }
        int port = info.Evtchn;
        info.RebindsInProgress++;
        DoMask(info, MaskReason.Temporary);
        yield return Sched.At("xen_rebind_evtchn_to_cpu.masked");
        if (info.Evtchn == port)
        {
            var e = Hv.BindVcpu(port, tcpu);
            M.Trace?.Effect($"xen: EVTCHNOP_bind_vcpu(port {port}, vcpu{tcpu}) = {e.Format()}");
            yield return Sched.At("xen_rebind_evtchn_to_cpu.bind_vcpu");
            if (e == Errno.Ok && info.Evtchn == port)
            {
                int old = info.Cpu;
                BindEvtchnToCpu(info, tcpu, false);
                // A global VIRQ follows its channel in virq_to_irq (upstream 3fcc8e146935 "xen/events: Update
                // virq_to_irq on migration"): __unbind_from_irq clears the entry of info->cpu, and
                // bind_virq_to_irq on the old vCPU must not find a stale irq. events_base.c:1811-1818
                // moves whatever the old vCPU's slot holds, unconditionally (also when old == tcpu).
                if (info.Type == IrqType.Virq)
                {
                    int virq = info.Virq;
                    int moved = VirqToIrq[old][virq];
                    VirqToIrq[old][virq] = -1;
                    VirqToIrq[tcpu][virq] = moved;
                }
            }
        }
        DoUnmask(info, MaskReason.Temporary);
        info.RebindsInProgress--;
        r.Set(0);
    }

    /// <summary>
    /// A vCPU goes offline (cpu_down, cpu_hotplug_lock held for writing): it leaves the online mask
    /// (after its running upcall), its per-CPU VIRQs/IPIs are unbound (xen_smp_intr_free / timer
    /// teardown), every other channel bound to it is moved to an online vCPU (fixup_irqs), then the
    /// ABI's per-CPU teardown runs (2L: clear its cpu_evtchn_mask; FIFO: drain its queues, dropping
    /// events). -EBUSY for the last vCPU.
    /// </summary>
    public IEnumerable<Sched> VcpuOffline(int vcpu, OpResult r)
    {
        if (vcpu < 0 || vcpu >= Vcpus) { r.Fail(Errno.EINVAL); yield break; }
        // cpu_down: the state is tested under cpu_hotplug_lock, not before it.
        yield return Sched.When("cpu_hotplug_lock", () => HotplugWriterMayEnter);
        if (!Online.Contains(vcpu)) { r.Fail(Errno.EINVAL); yield break; }
        if (Online.Count == 1) { r.Fail(Errno.EBUSY); yield break; }
        HotplugWriter = true;
        if (UpcallStart[vcpu] >= 0) yield return Sched.When("xen_vcpu_offline.upcall_done", () => UpcallStart[vcpu] < 0);
        Online = Online.Without(vcpu);
        GoingOffline[vcpu] = true;
        var infos = new List<IrqInfo>();
        foreach (var i in LiveInfos()) if (i.Cpu == vcpu && ValidEvtchn(i.Evtchn)) infos.Add(i);
        foreach (var info in infos)
        {
            var d = M.Irqs[info.Irq];
            var res = new OpResult();
            if (d is not null && d.IsPerCpu)
            {
                var body = d.Action is not null ? UnbindFromIrqhandler(info.Irq, res) : UnbindFromIrq(info.Irq, res);
                foreach (var s in body) yield return s;
                continue;
            }
            var dest = d is null ? Online : d.Affinity.And(Online);
            if (dest.IsEmpty) { dest = Online; if (d is not null) d.AffinityBroken = true; }
            if (d is not null) { foreach (var s in SetAffinityIrq(d, dest, res)) yield return s; }
            else foreach (var s in RebindEvtchnToCpu(info, SelectTargetCpu(dest), res)) yield return s;
        }
        yield return Sched.At("xen_vcpu_offline.percpu_deinit");
        Abi.PercpuDeinit(vcpu);
        GoingOffline[vcpu] = false;
        HotplugWriter = false;
        M.Trace?.Effect($"xen: vcpu{vcpu} offline");
        r.Set(0);
    }

    /// <summary>
    /// cpu_hotplug_lock as the Xen side sees it. Per-CPU VIRQ and IPI channels are bound from the CPU
    /// hotplug callbacks (xen_smp_intr_init, xen_setup_timer) or under cpus_read_lock, so they never
    /// overlap that vCPU's offline or online: binders are readers, offline and online the writer.
    /// </summary>
    private bool HotplugWriter { get; set { field = value; Epoch.Bump(); } }
    private int HotplugReaders { get; set { field = value; Epoch.Bump(); } }
    private bool HotplugWriterMayEnter => !HotplugWriter && HotplugReaders == 0;

    /// <summary>cpus_read_lock for a per-CPU bind (released with <see cref="CpusReadUnlock"/>).</summary>
    private IEnumerable<Sched> CpusReadLock(string point)
    {
        yield return Sched.When(point + ".cpus_read_lock", () => !HotplugWriter);
        HotplugReaders++;
    }

    private void CpusReadUnlock() => HotplugReaders--;

    /// <summary>Per vCPU: between leaving the online mask and the per-CPU ABI teardown.</summary>
    internal readonly TrackedArray<bool> GoingOffline;

    /// <summary>A vCPU comes online (cpu_up, cpu_hotplug_lock held for writing): the ABI's percpu_init
    /// (for FIFO a no-op, the control block survives the offline).</summary>
    public IEnumerable<Sched> VcpuOnlineOp(int vcpu, OpResult r)
    {
        yield return Sched.When("cpu_hotplug_lock", () => HotplugWriterMayEnter);
        var e = VcpuOnline(vcpu);
        if (e == Errno.Ok) r.Set(0); else r.Fail(e);
    }

    /// <summary>The body of <see cref="VcpuOnlineOp"/>, for callers that hold the hotplug lock.</summary>
    public Errno VcpuOnline(int vcpu)
    {
        if (vcpu < 0 || vcpu >= Vcpus || Online.Contains(vcpu)) return Errno.EINVAL;
        Abi.PercpuInit(vcpu);
        Online = Online.With(vcpu);
        return Errno.Ok;
    }
}
