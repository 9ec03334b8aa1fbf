using IrqVerify.Model.Core;
namespace IrqVerify.Model.Xen;

/// <summary>
/// irq_info lifetime (§4.9): the event loop is an RCU reader; xen_free_irq defers the free of
/// info and descriptor (queue_rcu_work) until every upcall that started before it has left.
/// A logical clock orders reader starts and frees. K13: the free is immediate.
/// </summary>
public sealed partial class XenEvents
{
    private long RcuClock { get; set { field = value; Epoch.Bump(); } }
    /// <summary>Per vCPU: RCU clock at the start of its running upcall, -1 if none.</summary>
    internal readonly TrackedArray<long> UpcallStart;
    /// <summary>Infos freed and waiting for their grace period.</summary>
    internal readonly TrackedList<IrqInfo> RcuPending;
    /// <summary>Per vCPU upcall epoch (irq_epoch).</summary>
    internal readonly TrackedArray<int> IrqEpoch;

    /// <summary>Is some vCPU inside its event upcall (interrupts off)?</summary>
    internal bool UpcallRunning
    {
        get
        {
            foreach (long t in UpcallStart) if (t >= 0) return true;
            return false;
        }
    }

    private void RcuReadLock(int vcpu) => UpcallStart[vcpu] = ++RcuClock;

    private void RcuReadUnlock(int vcpu)
    {
        UpcallStart[vcpu] = -1;
        IrqEpoch[vcpu]++;
        RcuReclaim();
    }

    /// <summary>xen_free_irq's deferred free (K13: immediate).</summary>
    private void RcuFree(IrqInfo info)
    {
        info.FreeSeq = ++RcuClock;
        if (M.Variants.K13)
        {
            Release(info);
            return;
        }
        RcuPending.Add(info);
        RcuReclaim();
    }

    /// <summary>Ends every grace period no running reader predates: delayed_free_irq.</summary>
    private void RcuReclaim()
    {
        for (int i = RcuPending.Count - 1; i >= 0; i--)
        {
            var info = RcuPending[i];
            bool reader = false;
            foreach (long start in UpcallStart)
                if (start >= 0 && start < info.FreeSeq) { reader = true; break; }
            if (reader) continue;
            RcuPending.RemoveAt(i);
            Release(info);
        }
    }

    /// <summary>kfree(info) + irq_free_desc.</summary>
    private void Release(IrqInfo info)
    {
        info.Released = true;
        if (Infos[info.Irq] == info) SetInfo(info.Irq, null);
        M.Irqs.FreeRange(info.Irq, 1);
        M.Trace?.Effect($"xen: irq_info of irq {info.Irq} released");
    }
}
