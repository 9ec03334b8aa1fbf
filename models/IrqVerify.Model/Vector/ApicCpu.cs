using IrqVerify.Model.Core;

namespace IrqVerify.Model.Vector;

/// <summary>Life cycle of one x86 CPU as the vector domain sees it.</summary>
public enum CpuState : byte
{
    /// <summary>Dead: its LAPIC accepts nothing, its matrix map is offline.</summary>
    Offline,
    Online,
    /// <summary>Cleared from cpu_online_mask, running the offline sequence with interrupts off
    /// (stop_machine): it takes no interrupt and runs no timer, but its LAPIC still latches IRR bits
    /// that fixup_irqs() scans.</summary>
    GoingDown,
}

/// <summary>
/// Per-CPU state of the vector domain: the vector_irq[256] table, the local APIC IRR, the
/// vector_cleanup list (hlist, newest first) and whether its cleanup timer is pending.
/// </summary>
public sealed class ApicCpu
{
    private readonly ChangeEpoch _epoch;

    public ApicCpu(int cpu, ChangeEpoch epoch)
    {
        Cpu = cpu;
        _epoch = epoch;
        VectorIrq = new TrackedArray<int>(VectorSpace.NrVectors, epoch);
        Cleanup = new TrackedList<ApicData>(epoch);
        VectorIrq.Fill(VectorSpace.VectorUnused);
    }

    public int Cpu { get; }
    public CpuState State { get; set { field = value; _epoch.Bump(); } }
    /// <summary>vector_irq: irq number or a negative sentinel (VectorSpace.Vector*).</summary>
    public TrackedArray<int> VectorIrq { get; }
    /// <summary>Local APIC interrupt request register.</summary>
    public Bitmap256 Irr { get => _irr; set { _irr = value; _epoch.Bump(); } }
    private Bitmap256 _irr;

    /// <summary>The LAPIC latches <paramref name="vector"/> (a property's struct cannot be changed in place).</summary>
    public void SetIrr(int vector) { _irr.Set(vector); _epoch.Bump(); }
    public void ClearIrr(int vector) { _irr.Clear(vector); _epoch.Bump(); }
    /// <summary>vector_cleanup.head, in hlist order (hlist_add_head inserts at index 0).</summary>
    public TrackedList<ApicData> Cleanup { get; }
    /// <summary>timer_pending(&amp;vector_cleanup.timer).</summary>
    public bool TimerArmed { get; set { field = value; _epoch.Bump(); } }

    public void ResetVectorIrq() => VectorIrq.Fill(VectorSpace.VectorUnused);

    public void Hash(ref StateHasher h)
    {
        h.Add((int)State);
        Irr.Hash(ref h);
        h.Add(TimerArmed);
        h.Add(Cleanup.Count);
        foreach (var a in Cleanup) h.Add(a.Irq);
        var table = VectorIrq.AsSpan();
        for (int v = 0; v < table.Length; v++)
            if (table[v] != VectorSpace.VectorUnused) { h.Add(v); h.Add(table[v]); }
    }
}
