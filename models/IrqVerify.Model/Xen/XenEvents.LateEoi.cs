using IrqVerify.Model.Core;

namespace IrqVerify.Model.Xen;

/// <summary>Late EOI (§4.7): back-off for spurious events, per-CPU EOI lists, delayed worker.</summary>
public sealed partial class XenEvents
{
    /// <summary>The smallest spurious_cnt with 2^cnt ≥ 4·HZ: where the count stops growing.</summary>
    public static int SpuriousCntMax
    {
        get { int c = 0; while ((1L << c) < Hz << 2) c++; return c; }
    }

    /// <summary>
    /// xen_irq_lateeoi(irq, flags) from the driver on the current vCPU. One late EOI answers one
    /// delivered event. Called when no event was delivered since the last one while an upcall holds
    /// the claim for the next (is_active set, not yet acked), it releases that claim ("is_active
    /// hasn't been reset yet, do it now") and nothing WARNs: the driver's unbalanced EOI, reported
    /// as misuse of I-X10, which the kernel carries out.
    /// </summary>
    public IEnumerable<Sched> XenIrqLateeoi(int irq, bool spurious, OpResult r)
    {
        yield return Sched.At("xen_irq_lateeoi");
        var info = InfoForIrq(irq);
        if (info is null) { r.Fail(Errno.EINVAL); yield break; }
        if (info.LateEoi && info.IsActive && !info.EoiCycleOpen && !info.OnEoiList)
            M.Misuse("I-X10", $"xen_irq_lateeoi(irq {irq}): no event was delivered since the last late EOI; it releases the claim an upcall holds for the next one");
        LateeoiLocked(info, spurious);
        r.Set(info.SpuriousCnt);
    }

    /// <summary>
    /// xen_irq_lateeoi_locked: ignored for an invalid or already queued port. Spurious: count up
    /// (saturating), above the threshold delay 2^(cnt-1-threshold) ticks capped at HZ; otherwise
    /// reset the count. A delayed EOI is queued on the CPU's EOI list; else the claim is released
    /// and EOI_PENDING dropped (unmask).
    /// </summary>
    internal void LateeoiLocked(IrqInfo info, bool spurious)
    {
        if (!ValidEvtchn(info.Evtchn) || info.OnEoiList) return;
        long delay = 0;
        info.LastEoiKind = spurious ? (byte)1 : (byte)2;
        if (spurious)
        {
            if ((1L << info.SpuriousCnt) < Hz << 2 && info.SpuriousCnt != 0xFF) info.SpuriousCnt++;
            if (info.SpuriousCnt > SpuriousThreshold)
            {
                delay = Math.Min(1L << (info.SpuriousCnt - 1 - SpuriousThreshold), Hz);
                if (info.EoiTime == 0) info.EoiCpu = Math.Max(M.CurrentCpu, 0);
                info.EoiTime = Jiffies + delay;
                info.EoiTimeSetAt = Jiffies;
            }
        }
        else info.SpuriousCnt = 0;
        // eoi_time is only set with a delay here (the loop-timeout defer mode is not modelled),
        // so "same upcall epoch" never decides on its own.
        if (info.EoiTime != 0 && delay != 0)
        {
            LateeoiListAdd(info);
            return;
        }
        info.EoiTime = 0;
        ReleaseClaim(info);
        info.EoiCycleOpen = false;
        DoUnmask(info, MaskReason.EoiPending);
    }

    /// <summary>lateeoi_list_add: sorted by eoi_time, after entries with an equal time.</summary>
    private void LateeoiListAdd(IrqInfo info)
    {
        var list = EoiLists[info.EoiCpu];
        int at = list.Count;
        while (at > 0 && list[at - 1].EoiTime > info.EoiTime) at--;
        list.Insert(at, info);
        info.OnEoiList = true;
        M.Trace?.Effect($"xen: irq {info.Irq} EOI delayed to tick {info.EoiTime} on vcpu{info.EoiCpu}");
    }

    private void LateeoiListDel(IrqInfo info)
    {
        if (!info.OnEoiList) return;
        EoiLists[info.EoiCpu].Remove(info);
        info.OnEoiList = false;
    }

    /// <summary>xen_irq_lateeoi_worker: EOIs every due entry (non-spuriously), one per step.</summary>
    public IEnumerable<Sched> LateeoiWorker(int vcpu)
    {
        if (vcpu < 0 || vcpu >= Vcpus) yield break;
        var list = EoiLists[vcpu];
        while (list.Count > 0 && list[0].EoiTime <= Jiffies)
        {
            var info = list[0];
            list.RemoveAt(0);
            info.OnEoiList = false;
            info.EoiTime = 0;
            LateeoiLocked(info, false);
            yield return Sched.At("xen_irq_lateeoi_worker.next");
        }
    }

    /// <summary>One tick of the logical clock.</summary>
    public void Tick() => Jiffies++;

    /// <summary>Advances the logical clock by <paramref name="ticks"/> (≥ 0) in one assignment: a
    /// blocked vCPU's timeout is arbitrary fuzz input, so it must not cost a loop of ticks.</summary>
    public void Advance(long ticks) => Jiffies = unchecked(Jiffies + ticks);
}
