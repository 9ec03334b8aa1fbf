using System.Numerics;
using IrqVerify.Model.Core;

namespace IrqVerify.Model.Xen;

/// <summary>
/// The FIFO ABI (events_fifo.c + Xen's event_fifo.c): a 32-bit event word per port and, per
/// vCPU, a control block (ready bitmap, head[16]) plus Xen's private queue tails and Linux's
/// local copy of the heads. Linking is one atomic step in the model, so Xen's BUSY bit is never
/// observable and is not represented. The event array is created pre-masked.
/// </summary>
public sealed class FifoAbi : EvtchnAbi
{
    public const uint PendingBit = 1u << 31;
    public const uint MaskedBit = 1u << 30;
    public const uint LinkedBit = 1u << 29;
    public const uint LinkMask = (1u << 17) - 1;
    public const int NrQueues = 16;
    public const int DefaultPriority = 7;

    internal readonly TrackedArray<uint> Words;
    /// <summary>control_block->ready per vCPU.</summary>
    internal readonly TrackedArray<uint> Ready;
    /// <summary>control_block->head[q] per vCPU (written by Xen when a queue was empty).</summary>
    internal readonly TrackedArray<int>[] Head;
    /// <summary>Xen's queue tails.</summary>
    internal readonly TrackedArray<int>[] Tail;
    /// <summary>Linux's per-CPU cpu_queue.head[q].</summary>
    internal readonly TrackedArray<int>[] LocalHead;
    /// <summary>The handle loop's local 'ready' copy (one upcall per vCPU at a time).</summary>
    internal readonly TrackedArray<uint> LoopReady;

    public FifoAbi(XenEvents guest, int vcpus, int maxPorts) : base(guest)
    {
        var epoch = guest.Epoch;
        Words = new TrackedArray<uint>(maxPorts, epoch);
        Words.Fill(MaskedBit);
        Ready = new TrackedArray<uint>(vcpus, epoch);
        LoopReady = new TrackedArray<uint>(vcpus, epoch);
        Head = new TrackedArray<int>[vcpus];
        Tail = new TrackedArray<int>[vcpus];
        LocalHead = new TrackedArray<int>[vcpus];
        for (int c = 0; c < vcpus; c++)
        {
            Head[c] = new TrackedArray<int>(NrQueues, epoch);
            Tail[c] = new TrackedArray<int>(NrQueues, epoch);
            LocalHead[c] = new TrackedArray<int>(NrQueues, epoch);
        }
    }

    public override string Name => "fifo";
    public override int MaxChannels => Words.Length;

    public override bool IsPending(int port) => (Words[port] & PendingBit) != 0;
    public override bool IsMasked(int port) => (Words[port] & MaskedBit) != 0;
    public bool IsLinked(int port) => (Words[port] & LinkedBit) != 0;

    /// <summary>
    /// Xen evtchn_fifo_set_pending: set PENDING; an unmasked, unlinked event is linked at the tail
    /// of the notify vCPU's queue for its priority; the upcall is raised when the queue's ready bit
    /// goes 0→1. Returns true iff PENDING went 0→1.
    /// </summary>
    public override bool XenSetPending(int port, int notifyVcpu)
    {
        bool was = IsPending(port);
        Words[port] |= PendingBit;
        if (!IsMasked(port) && !IsLinked(port)) Link(port, notifyVcpu);
        return !was;
    }

    private void Link(int port, int vcpu)
    {
        int q = Hv.Ports[port].Priority;
        Words[port] = (Words[port] & ~LinkMask) | LinkedBit;
        if (Guest.EvtchnToInfo(port) is { } info) info.DroppedByTeardown = false;
        // Xen's old-queue bookkeeping: a stale tail naming this port (it was consumed and moved)
        // must not be linked through.
        for (int c = 0; c < Tail.Length; c++)
            for (int k = 0; k < NrQueues; k++)
                if (Tail[c][k] == port && (c != vcpu || k != q)) Tail[c][k] = 0;
        int tail = Tail[vcpu][q];
        bool linked = false;
        if (tail != 0 && tail != port && IsLinked(tail))
        {
            Words[tail] = (Words[tail] & ~LinkMask) | (uint)port;
            linked = true;
        }
        if (!linked) Head[vcpu][q] = port;
        Tail[vcpu][q] = port;
        uint bit = 1u << q;
        if ((Ready[vcpu] & bit) == 0)
        {
            Ready[vcpu] |= bit;
            Hv.MarkEventsPending(vcpu);
        }
    }

    public override void XenUnmask(int port, int notifyVcpu)
    {
        Words[port] &= ~MaskedBit;
        if (IsPending(port)) XenSetPending(port, notifyVcpu);
    }

    public override void XenClearPending(int port) => Words[port] &= ~PendingBit;

    public override void Mask(int port) => Words[port] |= MaskedBit;

    /// <summary>
    /// evtchn_fifo_unmask: clear MASKED only if not PENDING; a pending event stays masked and
    /// EVTCHNOP_unmask makes Xen unmask, link and notify — exactly one path.
    /// </summary>
    public override int Unmask(int port, int localCpu, int boundCpu)
    {
        if (!IsPending(port))
        {
            Words[port] &= ~MaskedBit;
            return 0;
        }
        Hv.EvtchnUnmask(port);
        return 1;
    }

    public override void ClearPending(int port) => Words[port] &= ~PendingBit;
    public override void SetPending(int port) => Words[port] |= PendingBit;

    /// <summary>
    /// __evtchn_fifo_handle_events: xchg the ready bitmap and consume events queue by queue,
    /// highest priority first, merging newly ready queues after each event.
    /// </summary>
    public override IEnumerable<Sched> HandleEvents(int cpu)
    {
        LoopReady[cpu] = Ready[cpu];
        Ready[cpu] = 0;
        while (LoopReady[cpu] != 0)
        {
            int q = BitOperations.TrailingZeroCount(LoopReady[cpu]);
            foreach (var s in ConsumeOneEvent(cpu, q, drop: false)) yield return s;
            LoopReady[cpu] |= Ready[cpu];
            Ready[cpu] = 0;
        }
    }

    /// <summary>
    /// consume_one_event: take the head, atomically clear LINKED and the link (getting the next
    /// head; an unlinked head has none), then — after a scheduling point — handle the port if pending and not masked.
    /// <paramref name="drop"/>: the per-CPU teardown path without a loop control ("Dropping
    /// pending event").
    /// </summary>
    private IEnumerable<Sched> ConsumeOneEvent(int cpu, int q, bool drop)
    {
        int port = LocalHead[cpu][q];
        if (port == 0) port = Head[cpu][q];
        if (port == 0)
        {
            // The event word of port 0 is never pending: clear_linked gives link 0, queue empty.
            LoopReady[cpu] &= ~(1u << q);
            LocalHead[cpu][q] = 0;
            yield break;
        }
        // events_fifo.c:295-311: clear_linked() and handle the port if pending and not masked,
        // without checking that it was LINKED; an unlinked head just ends the queue (link 0).
        int next = (int)(Words[port] & LinkMask);
        Words[port] &= ~(LinkedBit | LinkMask);
        if (next == 0) LoopReady[cpu] &= ~(1u << q);
        LocalHead[cpu][q] = next;
        if (drop)
        {
            if (IsPending(port) && !IsMasked(port))
            {
                Guest.M.Info("evtchn_fifo", $"Dropping pending event for port {port}");
                if (Guest.EvtchnToInfo(port) is { } info) info.DroppedByTeardown = true;
            }
            yield break;
        }
        yield return Sched.At("consume_one_event.unlinked");
        if (IsPending(port) && !IsMasked(port))
            foreach (var s in Guest.HandleIrqForPort(port, cpu)) yield return s;
    }

    /// <summary>evtchn_fifo_percpu_deinit: drains the vCPU's queues without a loop control, so
    /// pending events are dropped (they stay pending, unlinked).</summary>
    public override void PercpuDeinit(int cpu)
    {
        LoopReady[cpu] = Ready[cpu];
        Ready[cpu] = 0;
        for (int q = 0; q < NrQueues; q++)
        {
            if (Head[cpu][q] != 0 || LocalHead[cpu][q] != 0) LoopReady[cpu] |= 1u << q;
        }
        while (LoopReady[cpu] != 0)
        {
            int q = BitOperations.TrailingZeroCount(LoopReady[cpu]);
            foreach (var _ in ConsumeOneEvent(cpu, q, drop: true)) { }
        }
        ResetQueues(cpu);
    }

    /// <summary>
    /// evtchn_fifo_percpu_init when the vCPU comes back: its control block was allocated when it
    /// first came up and is kept, so nothing is reset. Events Xen linked into the vCPU's queues while
    /// it was offline stay there and are delivered by its first upcall (wiping them here lost them).
    /// </summary>
    public override void PercpuInit(int cpu) { }

    /// <summary>The queues after the drain of <see cref="PercpuDeinit"/>: every head is already 0;
    /// READY, the guest's local heads and Xen's tails start over.</summary>
    private void ResetQueues(int cpu)
    {
        Ready[cpu] = 0;
        LoopReady[cpu] = 0;
        Head[cpu].Fill(0);
        Tail[cpu].Fill(0);
        LocalHead[cpu].Fill(0);
    }

    internal override void CopyFrom(EvtchnAbi other)
    {
        var o = (FifoAbi)other;
        Words.CopyFrom(o.Words);
        Ready.CopyFrom(o.Ready);
        LoopReady.CopyFrom(o.LoopReady);
        for (int c = 0; c < Head.Length; c++)
        {
            Head[c].CopyFrom(o.Head[c]);
            Tail[c].CopyFrom(o.Tail[c]);
            LocalHead[c].CopyFrom(o.LocalHead[c]);
        }
    }

    public override void Hash(ref StateHasher h)
    {
        var words = Words.AsSpan();
        for (int p = 0; ; p++)
        {
            int k = words[p..].IndexOfAnyExcept(MaskedBit);   // most ports: masked, nothing else
            if (k < 0) break;
            p += k;
            h.Add(p); h.Add(words[p]);
        }
        for (int c = 0; c < Ready.Length; c++)
        {
            h.Add(Ready[c]); h.Add(LoopReady[c]);
            for (int q = 0; q < NrQueues; q++) { h.Add(Head[c][q]); h.Add(Tail[c][q]); h.Add(LocalHead[c][q]); }
        }
    }

    public override void Dump(TextWriter w)
    {
        w.WriteLine("  abi: fifo");
        for (int p = 1; p < Words.Length; p++)
        {
            uint x = Words[p];
            if ((x & (PendingBit | LinkedBit)) == 0) continue;
            w.WriteLine($"  port {p}:{((x & PendingBit) != 0 ? " P" : "")}{((x & MaskedBit) != 0 ? " M" : "")}{((x & LinkedBit) != 0 ? " L" : "")} link={x & LinkMask}");
        }
        for (int c = 0; c < Ready.Length; c++)
            w.WriteLine($"  vcpu{c}: ready={Ready[c]:x} head[{DefaultPriority}]={Head[c][DefaultPriority]} tail={Tail[c][DefaultPriority]} local={LocalHead[c][DefaultPriority]}");
    }
}
