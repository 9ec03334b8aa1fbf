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
    public ApicCpu(int cpu)
    {
        Cpu = cpu;
        Array.Fill(VectorIrq, VectorSpace.VectorUnused);
    }

    public int Cpu { get; }
    public CpuState State;
    /// <summary>vector_irq: irq number or a negative sentinel (VectorSpace.Vector*).</summary>
    public readonly int[] VectorIrq = new int[VectorSpace.NrVectors];
    /// <summary>Local APIC interrupt request register.</summary>
    public Bitmap256 Irr;
    /// <summary>vector_cleanup.head, in hlist order (hlist_add_head inserts at index 0).</summary>
    public readonly List<ApicData> Cleanup = new(4);
    /// <summary>timer_pending(&amp;vector_cleanup.timer).</summary>
    public bool TimerArmed;

    public void ResetVectorIrq() => Array.Fill(VectorIrq, VectorSpace.VectorUnused);

    public void Hash(ref StateHasher h)
    {
        h.Add((int)State);
        Irr.Hash(ref h);
        h.Add(TimerArmed);
        h.Add(Cleanup.Count);
        foreach (var a in Cleanup) h.Add(a.Irq);
        for (int v = 0; v < VectorIrq.Length; v++)
            if (VectorIrq[v] != VectorSpace.VectorUnused) { h.Add(v); h.Add(VectorIrq[v]); }
    }
}
