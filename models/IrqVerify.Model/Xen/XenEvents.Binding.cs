using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Xen;

/// <summary>
/// Binding and unbinding (§4.3). Every (un)binding runs under irq_mapping_update_lock, held
/// across its hypercalls and row allocation.
/// </summary>
public sealed partial class XenEvents
{
    // ------------------------------------------------------------------ allocation

    /// <summary>xen_allocate_irq_dynamic + xen_irq_init: a descriptor (IRQ_NOREQUEST until setup)
    /// and a fresh info of type UNBOUND. -1 if the irq space is full.</summary>
    private IrqInfo? AllocIrq(int port, IIrqChip chip, FlowKind flow)
    {
        int irq = M.Design.IrqNumbers.AllocDescs(M.Irqs, 1, IrqOwner.Xen, port);
        if (irq < 0) return null;
        var d = M.Irqs[irq]!;
        d.Chip = chip;
        d.Flow = flow;
        d.NoRequest = true;
        d.Affinity = Online;
        var info = new IrqInfo(irq, Epoch);
        SetInfo(irq, info);
        return info;
    }

    /// <summary>
    /// xen_irq_info_common_setup: type (fatal if it changes from another bound type), port, cpu 0,
    /// mask_reason = EXPLICIT (the port is masked), then the table entry (may allocate a row) and
    /// IRQ_NOREQUEST cleared. The ABI setup hook has nothing to do: the event array is pre-masked.
    /// </summary>
    private IEnumerable<Sched> CommonSetup(IrqInfo info, IrqType type, int port, OpResult r)
    {
        if (info.Type != IrqType.Unbound && info.Type != type)
        {
            M.Fatal("xen_irq_info_common_setup", $"irq {info.Irq}: type {info.Type} changed to {type}");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        info.Type = type;
        info.Evtchn = port;
        info.Cpu = 0;
        info.MaskReason = MaskReason.Explicit;
        Abi.Mask(port);
        foreach (var s in EvtchnToIrq.Set(M, port, info.Irq)) yield return s;
        if (M.Irqs[info.Irq] is { } d) d.NoRequest = false;
        r.Set(info.Irq);
    }

    /// <summary>
    /// bind_evtchn_to_cpu: move the port's 2L cpu mask bit, the channel accounting and info->cpu;
    /// <paramref name="force"/> also sets the affinity (per-CPU channels).
    /// </summary>
    internal void BindEvtchnToCpu(IrqInfo info, int cpu, bool force)
    {
        // Per-vCPU VIRQs/IPIs are bound before their vCPU comes up (xen_smp_intr_init in the CPU-up
        // prepare step), so an offline target is normal for them. Any other channel lands on an
        // offline vCPU only because the kernel binds every new channel to vCPU0 (or a global VIRQ to
        // the caller's CPU) assuming it online — CPU0 cannot be hot-unplugged on x86 (v6.5+): the
        // event would wait for a vCPU that never scans it (I-X5).
        if (!Online.Contains(cpu) && M.Irqs[info.Irq] is not { IsPerCpu: true })
            M.Misuse("I-X5", $"irq {info.Irq} (port {info.Evtchn}) bound to offline vcpu{cpu}");
        if (M.Irqs[info.Irq] is { } d)
        {
            if (force) d.Affinity = CpuMask.Of(cpu);
            d.EffectiveAffinity = CpuMask.Of(cpu);
        }
        Abi.BindToCpu(info.Evtchn, cpu, info.Cpu);
        ChannelsOnCpuDec(info);
        info.Cpu = cpu;
        ChannelsOnCpuInc(info);
    }

    private void ChannelsOnCpuInc(IrqInfo info)
    {
        if (info.Cpu < 0 || info.Cpu >= Vcpus) { M.Warn("channels_on_cpu_inc", $"irq {info.Irq}: cpu {info.Cpu} out of range"); return; }
        if (info.IsAccounted) { M.Warn("channels_on_cpu_inc", $"irq {info.Irq}: already accounted"); return; }
        ChannelsOnCpu[info.Cpu]++;
        info.IsAccounted = true;
    }

    private void ChannelsOnCpuDec(IrqInfo info)
    {
        if (!info.IsAccounted) return;
        ChannelsOnCpu[info.Cpu]--;
        info.IsAccounted = false;
    }

    /// <summary>Undo of a failed bind before the port was mapped: drop info and descriptor now
    /// (nothing can have looked them up).</summary>
    private void FreeUnboundIrq(IrqInfo info)
    {
        SetInfo(info.Irq, null);
        info.Freed = info.Released = true;
        M.Irqs.FreeRange(info.Irq, 1);
    }

    private IEnumerable<Sched> LockMapping(string op)
    {
        yield return Sched.Under(op + ".irq_mapping_update_lock", LockRef.IrqMappingUpdate);
        M.Acquire(LockRef.IrqMappingUpdate);
    }

    /// <summary>A per-CPU bind: cpus_read_lock (the hotplug callback's context, see
    /// <see cref="CpusReadLock"/>), then irq_mapping_update_lock. Released by <see cref="UnlockMappingPercpu"/>.</summary>
    private IEnumerable<Sched> LockMappingPercpu(string op)
    {
        yield return new Sched(op + ".irq_mapping_update_lock", LockRef.IrqMappingUpdate, () => !HotplugWriter);
        HotplugReaders++;
        M.Acquire(LockRef.IrqMappingUpdate);
    }

    private void UnlockMappingPercpu()
    {
        M.Release(LockRef.IrqMappingUpdate);
        HotplugReaders--;
    }

    // ------------------------------------------------------------------ bind operations

    /// <summary>
    /// bind_evtchn_to_irq(_lateeoi) → bind_evtchn_to_irq_chip: an unmapped port gets a new irq
    /// (xen_dynamic_chip or xen_lateeoi_chip, handle_edge_irq) bound to vCPU0; a mapped port
    /// returns its irq (it must be IRQT_EVTCHN). Errors: invalid port -EINVAL; beyond the ABI's
    /// channels -ENOMEM; no irq -ENOMEM. Binding a port Xen never allocated, or an unmapped VIRQ/IPI
    /// port (its own binder is between EVTCHNOP_bind_* and mapping it), is caller misuse.
    /// </summary>
    public IEnumerable<Sched> BindEvtchnToIrq(int port, bool lateeoi, OpResult r)
    {
        if (!ValidEvtchn(port)) { r.Fail(Errno.EINVAL); yield break; }
        if (port >= Abi.MaxChannels || port >= EvtchnToIrq.Capacity) { r.Fail(Errno.ENOMEM); yield break; }
        foreach (var s in LockMapping("bind_evtchn_to_irq")) yield return s;
        try
        {
            foreach (var s in BindEvtchnLocked(port, lateeoi, r)) yield return s;
        }
        finally
        {
            M.Release(LockRef.IrqMappingUpdate);
        }
    }

    /// <summary>
    /// The body of bind_evtchn_to_irq_chip. Callers hold irq_mapping_update_lock — except the
    /// binders that do not (startup_pirq in K14's report), which tests drive through this directly.
    /// </summary>
    internal IEnumerable<Sched> BindEvtchnLocked(int port, bool lateeoi, OpResult r)
    {
        if (!Hv.IsAllocated(port))
        {
            M.Misuse("bind_evtchn_to_irq", $"port {port} is not allocated by Xen");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        int irq = EvtchnToIrq.Get(port);
        if (irq < 0 && Hv.Ports[port].State is EvtchnState.Virq or EvtchnState.Ipi)
        {
            // Only the binder that asked Xen for a VIRQ/IPI port knows it until it maps it (under
            // the lock for locked binders); anybody else binding that number is a caller bug.
            M.Misuse("bind_evtchn_to_irq", $"port {port} is a {Hv.Ports[port].State} channel being bound by its own binder");
            r.Fail(Errno.EINVAL);
            yield break;
        }
        if (irq >= 0)
        {
            var existing = InfoForIrq(irq);
            if (existing is null || existing.Type != IrqType.Evtchn)
                M.Warn("bind_evtchn_to_irq_chip", $"port {port} is mapped to irq {irq} of another type");
            r.Set(irq);
            yield break;
        }
        if (M.Design.EvtchnMapping.SharedIrq(this, port, lateeoi) is { } shared)
        {
            foreach (var s in ShareIrq(shared, port, r)) yield return s;
            yield break;
        }
        var info = AllocIrq(port, lateeoi ? LateEoiChip : DynamicChip, FlowKind.Edge);
        if (info is null) { r.Fail(Errno.ENOMEM); yield break; }
        info.LateEoi = lateeoi;
        var sr = new OpResult();
        foreach (var s in CommonSetup(info, IrqType.Evtchn, port, sr)) yield return s;
        if (!sr.Ok) { FreeUnboundIrq(info); r.Fail(sr.Error); yield break; }
        BindEvtchnToCpu(info, 0, false);
        info.SetupDone = true;
        M.Trace?.Effect($"xen: port {port} bound to irq {info.Irq}{(lateeoi ? " (lateeoi)" : "")}");
        r.Set(info.Irq);
    }

    /// <summary>
    /// A design's shared irq (<see cref="Designs.IEvtchnIrqMapping"/>): the port is mapped onto the
    /// live irq of <paramref name="shared"/> on its vCPU, masked unless that irq is unmasked, and
    /// counted in its refcount (every unbind drops one; the last one frees the irq).
    /// </summary>
    private IEnumerable<Sched> ShareIrq(IrqInfo shared, int port, OpResult r)
    {
        Abi.Mask(port);
        foreach (var s in EvtchnToIrq.Set(M, port, shared.Irq)) yield return s;
        Abi.BindToCpu(port, shared.Cpu, 0);
        shared.Refcnt = shared.Refcnt <= 0 ? 2 : shared.Refcnt + 1;
        if (shared.MaskReason == MaskReason.None) Abi.Unmask(port, M.CurrentCpu, shared.Cpu);
        M.Trace?.Effect($"xen: port {port} shares irq {shared.Irq} (refcnt {shared.Refcnt})");
        r.Set(shared.Irq);
    }

    /// <summary>
    /// bind_virq_to_irq(virq, cpu, percpu): reuse the per-CPU mapping or allocate (per-vCPU VIRQs
    /// on xen_percpu_chip/handle_percpu_irq, global ones dynamic/edge), EVTCHNOP_bind_virq (on
    /// -EEXIST find_virq), bind to <paramref name="cpu"/> (affinity forced for per-CPU).
    /// </summary>
    public IEnumerable<Sched> BindVirqToIrq(int virq, int cpu, OpResult r)
    {
        if (virq is < 0 or >= XenVirq.NrVirqs || cpu < 0 || cpu >= Vcpus) { r.Fail(Errno.EINVAL); yield break; }
        bool percpu = XenVirq.IsPerCpu(virq);
        foreach (var s in percpu ? LockMappingPercpu("bind_virq_to_irq") : LockMapping("bind_virq_to_irq")) yield return s;
        try
        {
            int irq = VirqToIrq[cpu][virq];
            if (irq >= 0) { r.Set(irq); yield break; }
            var info = AllocIrq(0, percpu ? PercpuChip : DynamicChip, percpu ? FlowKind.PerCpu : FlowKind.Edge);
            if (info is null) { r.Fail(Errno.ENOMEM); yield break; }
            yield return Sched.At("bind_virq_to_irq.EVTCHNOP_bind_virq");
            var e = Hv.BindVirq(virq, cpu, out int port);
            if (e == Errno.EEXIST) { port = Hv.FindVirq(virq, cpu); e = port > 0 ? Errno.Ok : Errno.ENOENT; }
            if (e != Errno.Ok) { FreeUnboundIrq(info); r.Fail(e); yield break; }
            if (M.Irqs[info.Irq] is { } d) d.OwnerIndex = port;
            info.Virq = virq;
            VirqToIrq[cpu][virq] = info.Irq;
            var sr = new OpResult();
            foreach (var s in CommonSetup(info, IrqType.Virq, port, sr)) yield return s;
            if (!sr.Ok) { r.Fail(sr.Error); yield break; }
            BindEvtchnToCpu(info, cpu, percpu);
            info.SetupDone = true;
            M.Trace?.Effect($"xen: virq {virq} on vcpu{cpu}: port {port}, irq {info.Irq}");
            r.Set(info.Irq);
        }
        finally
        {
            if (percpu) UnlockMappingPercpu(); else M.Release(LockRef.IrqMappingUpdate);
        }
    }

    /// <summary>bind_ipi_to_irq(ipi, cpu): EVTCHNOP_bind_ipi (fatal on failure), xen_percpu_chip.</summary>
    public IEnumerable<Sched> BindIpiToIrq(int ipi, int cpu, OpResult r)
    {
        if (ipi is < 0 or >= XenVirq.NrIpis || cpu < 0 || cpu >= Vcpus) { r.Fail(Errno.EINVAL); yield break; }
        foreach (var s in LockMappingPercpu("bind_ipi_to_irq")) yield return s;
        try
        {
            int irq = IpiToIrq[cpu][ipi];
            if (irq >= 0) { r.Set(irq); yield break; }
            var info = AllocIrq(0, PercpuChip, FlowKind.PerCpu);
            if (info is null) { r.Fail(Errno.ENOMEM); yield break; }
            yield return Sched.At("bind_ipi_to_irq.EVTCHNOP_bind_ipi");
            var e = Hv.BindIpi(cpu, out int port);
            if (e != Errno.Ok)
            {
                M.Fatal("bind_ipi_to_irq", $"EVTCHNOP_bind_ipi failed: {e.Format()}");
                FreeUnboundIrq(info);
                r.Fail(e);
                yield break;
            }
            if (M.Irqs[info.Irq] is { } d) d.OwnerIndex = port;
            info.Ipi = ipi;
            IpiToIrq[cpu][ipi] = info.Irq;
            IpiToEvtchn[cpu][ipi] = port;
            var sr = new OpResult();
            foreach (var s in CommonSetup(info, IrqType.Ipi, port, sr)) yield return s;
            if (!sr.Ok) { r.Fail(sr.Error); yield break; }
            BindEvtchnToCpu(info, cpu, true);
            info.SetupDone = true;
            r.Set(info.Irq);
        }
        finally
        {
            UnlockMappingPercpu();
        }
    }

    // ------------------------------------------------------------------ unbind

    /// <summary>unbind_from_irqhandler = free_irq + unbind_from_irq.</summary>
    public IEnumerable<Sched> UnbindFromIrqhandler(int irq, OpResult r)
    {
        var fr = new OpResult();
        foreach (var s in M.Irq.FreeIrq(irq, fr)) yield return s;
        if (!fr.Ok) { r.Fail(fr.Error); yield break; }
        foreach (var s in UnbindFromIrq(irq, r)) yield return s;
    }

    /// <summary>unbind_from_irq: __unbind_from_irq under the mapping mutex.</summary>
    public IEnumerable<Sched> UnbindFromIrq(int irq, OpResult r)
    {
        foreach (var s in LockMapping("unbind_from_irq")) yield return s;
        try
        {
            foreach (var s in UnbindLocked(irq, r)) yield return s;
        }
        finally
        {
            M.Release(LockRef.IrqMappingUpdate);
        }
    }

    /// <summary>
    /// __unbind_from_irq: refcount; per-type per-CPU mappings cleared; xen_irq_info_cleanup
    /// (table entry -1, ABI remove, evtchn = 0, accounting) — and ONLY THEN EVTCHNOP_close
    /// (I-X2); finally xen_free_irq (EOI list, RCU-deferred free).
    /// </summary>
    private IEnumerable<Sched> UnbindLocked(int irq, OpResult r)
    {
        var info = InfoForIrq(irq);
        var d = M.Irqs[irq];
        if (info is null)
        {
            if (d is not null && d.Owner == IrqOwner.Xen && d.Action is null) { M.Irqs.FreeRange(irq, 1); r.Set(0); }
            else { M.Misuse("unbind_from_irq", $"irq {irq} is not a Xen irq"); r.Fail(Errno.EINVAL); }
            yield break;
        }
        if (info.Freed) { M.Misuse("unbind_from_irq", $"irq {irq} unbound twice"); r.Fail(Errno.EINVAL); yield break; }
        if (d is not null && d.Action is not null)
        {
            M.Misuse("unbind_from_irq", $"irq {irq} still has a handler (use unbind_from_irqhandler)");
            r.Fail(Errno.EBUSY);
            yield break;
        }
        if (info.Refcnt > 0 && --info.Refcnt != 0) { r.Set(info.Refcnt); yield break; }
        int port = info.Evtchn;
        if (ValidEvtchn(port))
        {
            int cpu = info.Cpu;
            if (info.Type == IrqType.Virq && info.Virq >= 0) VirqToIrq[cpu][info.Virq] = -1;
            if (info.Type == IrqType.Ipi && info.Ipi >= 0) { IpiToIrq[cpu][info.Ipi] = -1; IpiToEvtchn[cpu][info.Ipi] = 0; }
            IrqInfoCleanup(info);
            yield return Sched.At("__unbind_from_irq.close");
            if (!info.IsStatic) Hv.Close(port);
            M.Trace?.Effect($"xen: irq {irq} unbound, port {port} closed");
            yield return Sched.At("__unbind_from_irq.free");
        }
        XenFreeIrq(info);
        r.Set(0);
    }

    /// <summary>xen_irq_info_cleanup.</summary>
    private void IrqInfoCleanup(IrqInfo info)
    {
        EvtchnToIrq.Clear(info.Evtchn);
        Abi.Remove(info.Evtchn, info.Cpu);
        info.Evtchn = 0;
        ChannelsOnCpuDec(info);
    }

    /// <summary>xen_free_irq: off the EOI list, WARN on a live refcount, RCU-deferred free.</summary>
    private void XenFreeIrq(IrqInfo info)
    {
        LateeoiListDel(info);
        if (info.Refcnt > 0) M.Warn("xen_free_irq", $"irq {info.Irq}: refcnt {info.Refcnt} > 0");
        info.Freed = true;
        RcuFree(info);
    }

    // ------------------------------------------------------------------ refcounted user channels

    /// <summary>evtchn_make_refcounted: -1 → 1 (-ENOENT unmapped, -EINVAL already refcounted).</summary>
    public Errno EvtchnMakeRefcounted(int port)
    {
        var info = EvtchnToInfo(port);
        if (info is null || info.Freed) return Errno.ENOENT;
        if (info.Refcnt != IrqInfo.NotRefcounted) return Errno.EINVAL;
        info.Refcnt = 1;
        return Errno.Ok;
    }

    /// <summary>evtchn_get: +1 if refcounted and below SHRT_MAX.</summary>
    public IEnumerable<Sched> EvtchnGet(int port, OpResult r)
    {
        if (!ValidEvtchn(port) || port >= EvtchnToIrq.Capacity) { r.Fail(Errno.EINVAL); yield break; }
        foreach (var s in LockMapping("evtchn_get")) yield return s;
        var info = EvtchnToInfo(port);
        if (info is null || info.Freed) r.Fail(Errno.ENOENT);
        else if (info.Refcnt <= 0 || info.Refcnt == RefcntMax) r.Fail(Errno.EINVAL);
        else r.Set(++info.Refcnt);
        M.Release(LockRef.IrqMappingUpdate);
    }

    /// <summary>evtchn_put: unbind_from_irq of the port's irq (which drops one reference).</summary>
    public IEnumerable<Sched> EvtchnPut(int port, OpResult r)
    {
        int irq = EvtchnToIrq.Get(port);
        if (irq < 0) { r.Fail(Errno.ENOENT); yield break; }
        foreach (var s in UnbindFromIrq(irq, r)) yield return s;
    }

    // ------------------------------------------------------------------ ABI selection

    /// <summary>
    /// Switches the event-channel ABI (xen_evtchn_fifo_init / EVTCHNOP_reset in spirit). Allowed
    /// only while nothing is bound, no upcall runs and no EOI is queued: -EBUSY otherwise. Pending
    /// state of allocated (unbound) ports is carried over; every port starts masked.
    /// </summary>
    public Errno SetAbi(string name)
    {
        if (name is not ("2l" or "fifo")) return Errno.EINVAL;
        foreach (var i in Infos) if (i is not null) return Errno.EBUSY;
        for (int c = 0; c < Vcpus; c++) if (UpcallStart[c] >= 0 || EoiLists[c].Count > 0) return Errno.EBUSY;
        if (name == Abi.Name) return Errno.Ok;
        var old = Abi;
        Abi = CreateAbi(name);
        int limit = Math.Min(Hv.Ports.Length, Math.Min(old.MaxChannels, Abi.MaxChannels));
        for (int p = 1; p < limit; p++)
            if (old.IsPending(p)) Abi.SetPending(p);
        Hv.UpcallPending.Fill(false);
        M.Trace?.Effect($"xen: ABI switched {old.Name} -> {name}");
        return Errno.Ok;
    }
}
