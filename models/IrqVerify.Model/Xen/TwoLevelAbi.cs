using System.Numerics;
using IrqVerify.Model.Core;

namespace IrqVerify.Model.Xen;

/// <summary>
/// The 2-level ABI (events_2l.c): global evtchn_pending / evtchn_mask bitmaps (64 words of 64
/// bits), per-vCPU evtchn_pending_sel, and Linux's per-CPU cpu_evtchn_mask (which ports each
/// vCPU's scan considers). All ports start masked (xen_init_IRQ masks every port).
/// </summary>
public sealed class TwoLevelAbi : EvtchnAbi
{
    public const int WordBits = 64;
    public const int Words = 64;
    /// <summary>EVTCHN_2L_NR_CHANNELS on 64-bit.</summary>
    public const int NrChannels = WordBits * Words;

    internal readonly TrackedArray<ulong> Pending;
    internal readonly TrackedArray<ulong> MaskBits;
    internal readonly TrackedArray<ulong> PendingSel;
    internal readonly TrackedArray<ulong>[] CpuEvtchnMask;
    /// <summary>Round-robin scan position (current_word_idx / current_bit_idx).</summary>
    internal readonly TrackedArray<int> CurWord, CurBit;

    public TwoLevelAbi(XenEvents guest, int vcpus) : base(guest)
    {
        var epoch = guest.Epoch;
        Pending = new TrackedArray<ulong>(Words, epoch);
        MaskBits = new TrackedArray<ulong>(Words, epoch);
        PendingSel = new TrackedArray<ulong>(vcpus, epoch);
        CpuEvtchnMask = new TrackedArray<ulong>[vcpus];
        for (int c = 0; c < vcpus; c++) CpuEvtchnMask[c] = new TrackedArray<ulong>(Words, epoch);
        CurWord = new TrackedArray<int>(vcpus, epoch);
        CurBit = new TrackedArray<int>(vcpus, epoch);
        MaskBits.Fill(ulong.MaxValue);
    }

    public override string Name => "2l";
    public override int MaxChannels => NrChannels;

    private static bool Test(TrackedArray<ulong> a, int port) => (a[port / WordBits] >> (port % WordBits) & 1) != 0;
    private static void Set(TrackedArray<ulong> a, int port) => a[port / WordBits] |= 1UL << (port % WordBits);
    private static void Clear(TrackedArray<ulong> a, int port) => a[port / WordBits] &= ~(1UL << (port % WordBits));

    public override bool IsPending(int port) => Test(Pending, port);
    public override bool IsMasked(int port) => Test(MaskBits, port);
    internal bool InCpuMask(int cpu, int port) => Test(CpuEvtchnMask[cpu], port);

    /// <summary>Marks the port's word in pending_sel; raises the upcall if the word bit was clear.</summary>
    private void Notify(int port, int vcpu)
    {
        ulong bit = 1UL << (port / WordBits);
        if ((PendingSel[vcpu] & bit) != 0) return;
        PendingSel[vcpu] |= bit;
        Hv.MarkEventsPending(vcpu);
    }

    public override bool XenSetPending(int port, int notifyVcpu)
    {
        if (IsPending(port)) return false;
        Set(Pending, port);
        if (!IsMasked(port)) Notify(port, notifyVcpu);
        return true;
    }

    public override void XenUnmask(int port, int notifyVcpu)
    {
        if (!IsMasked(port)) return;
        Clear(MaskBits, port);
        if (IsPending(port)) Notify(port, notifyVcpu);
    }

    public override void XenClearPending(int port) => Clear(Pending, port);

    /// <summary>A host's raw write of one bit of evtchn_mask (<paramref name="mask"/>) or
    /// evtchn_pending, with no notification (KVM's selftest writes shared_info directly).</summary>
    internal void RawWrite(int port, bool mask, bool value)
    {
        var a = mask ? MaskBits : Pending;
        if (value) Set(a, port); else Clear(a, port);
    }

    public override void Mask(int port) => Set(MaskBits, port);

    /// <summary>
    /// evtchn_2l_unmask (PV guest): a port bound to another vCPU goes through EVTCHNOP_unmask;
    /// locally, clear the mask and re-raise a pending event in software (pending_sel + upcall).
    /// </summary>
    public override int Unmask(int port, int localCpu, int boundCpu)
    {
        if (localCpu != boundCpu || localCpu < 0)
        {
            Hv.EvtchnUnmask(port);
            return 1;
        }
        Clear(MaskBits, port);
        if (!IsPending(port)) return 0;
        Notify(port, localCpu);
        return 1;
    }

    public override void ClearPending(int port) => Clear(Pending, port);
    public override void SetPending(int port) => Set(Pending, port);

    public override void BindToCpu(int port, int cpu, int oldCpu)
    {
        Clear(CpuEvtchnMask[oldCpu], port);
        Set(CpuEvtchnMask[cpu], port);
    }

    public override void Remove(int port, int cpu) => Clear(CpuEvtchnMask[cpu], port);

    public override void PercpuDeinit(int cpu) => CpuEvtchnMask[cpu].Fill(0);

    private ulong ActiveEvtchns(int cpu, int word) => Pending[word] & CpuEvtchnMask[cpu][word] & ~MaskBits[word];

    /// <summary>
    /// evtchn_2l_handle_events: the timer VIRQ first (straight to its flow handler, unclaimed), then fetch-and-clear pending_sel and walk
    /// the words round-robin. Each word is SNAPSHOTTED once; its set bits are then handled without
    /// re-checking pending (the window of spec §4.8: yield between snapshot and each handle).
    /// </summary>
    public override IEnumerable<Sched> HandleEvents(int cpu)
    {
        int timerIrq = Guest.VirqToIrq[cpu][XenVirq.Timer];
        if (timerIrq >= 0 && Guest.InfoForIrq(timerIrq) is { } ti && XenEvents.ValidEvtchn(ti.Evtchn))
        {
            int tp = ti.Evtchn;
            if ((ActiveEvtchns(cpu, tp / WordBits) >> (tp % WordBits) & 1) != 0)
            {
                yield return Sched.At("evtchn_2l_handle_events.timer");
                // events_2l.c:181-182 calls generic_handle_irq(irq) directly: no handle_irq_for_port,
                // so no is_active claim and no "already claimed" skip for the timer VIRQ.
                if (Guest.M.Irqs[timerIrq] is { Chip: not null } td)
                    foreach (var s in Guest.M.Irq.HandleIrq(td, cpu)) yield return s;
            }
        }

        ulong pendingWords = PendingSel[cpu];
        PendingSel[cpu] = 0;
        int startWord = CurWord[cpu], startBit = CurBit[cpu];
        int wordIdx = startWord;
        for (int i = 0; pendingWords != 0; i++)
        {
            ulong words = pendingWords & (ulong.MaxValue << wordIdx);
            if (words == 0) { wordIdx = 0; continue; }
            wordIdx = BitOperations.TrailingZeroCount(words);
            ulong pendingBits = ActiveEvtchns(cpu, wordIdx);
            int bitIdx = 0;
            if (wordIdx == startWord)
            {
                // The starting word is scanned in two parts: from start_bit first, the rest last.
                if (i == 0) bitIdx = startBit;
                else pendingBits &= startBit == 0 ? 0 : (1UL << startBit) - 1;
            }
            do
            {
                ulong bits = pendingBits & (ulong.MaxValue << bitIdx);
                if (bits == 0) break;
                bitIdx = BitOperations.TrailingZeroCount(bits);
                int port = wordIdx * WordBits + bitIdx;
                yield return Sched.At("evtchn_2l_handle_events.snapshot");
                foreach (var s in Guest.HandleIrqForPort(port, cpu)) yield return s;
                bitIdx = (bitIdx + 1) % WordBits;
                CurWord[cpu] = bitIdx != 0 ? wordIdx : (wordIdx + 1) % Words;
                CurBit[cpu] = bitIdx;
            } while (bitIdx != 0);
            if (wordIdx != startWord || i != 0) pendingWords &= ~(1UL << wordIdx);
            wordIdx = (wordIdx + 1) % Words;
        }
    }

    internal override void CopyFrom(EvtchnAbi other)
    {
        var o = (TwoLevelAbi)other;
        Pending.CopyFrom(o.Pending);
        MaskBits.CopyFrom(o.MaskBits);
        PendingSel.CopyFrom(o.PendingSel);
        CurWord.CopyFrom(o.CurWord);
        CurBit.CopyFrom(o.CurBit);
        for (int c = 0; c < CpuEvtchnMask.Length; c++) CpuEvtchnMask[c].CopyFrom(o.CpuEvtchnMask[c]);
    }

    public override void Hash(ref StateHasher h)
    {
        // Mostly clear (pending, per-vCPU binding) or mostly set (mask) bitmaps: sparse encoding.
        h.AddSparse(Pending.AsSpan(), 0UL);
        h.AddSparse(MaskBits.AsSpan(), ulong.MaxValue);
        for (int c = 0; c < PendingSel.Length; c++)
        {
            h.Add(PendingSel[c]); h.Add(CurWord[c]); h.Add(CurBit[c]);
            h.AddSparse(CpuEvtchnMask[c].AsSpan(), 0UL);
        }
    }

    public override void Dump(TextWriter w)
    {
        w.WriteLine("  abi: 2-level");
        for (int p = 1; p < NrChannels; p++)
            if (IsPending(p)) w.WriteLine($"  port {p}: pending{(IsMasked(p) ? " masked" : "")}");
        for (int c = 0; c < PendingSel.Length; c++)
        {
            var ports = new List<int>();
            for (int p = 0; p < NrChannels; p++) if (InCpuMask(c, p)) ports.Add(p);
            w.WriteLine($"  vcpu{c}: pending_sel={PendingSel[c]:x} cpu_evtchn_mask={{{BitList.Format(ports)}}}");
        }
    }
}
