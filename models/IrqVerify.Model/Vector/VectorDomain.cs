using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Vector;

/// <summary>apic_chip_data (stand-in shape of the x86 branch API).</summary>
public sealed class ApicData
{
    public int Irq, Vector, Cpu, PrevVector, PrevCpu;
    public bool MoveInProgress, IsManaged, CanReserve, HasReserved, InCleanupList;
}

public sealed record VectorAllocInfo(CpuMask? Mask, bool Contiguous);

/// <summary>
/// STAND-IN for arch/x86/kernel/apic/vector.c used by the pci branch until the x86 branch is merged
/// (the merge replaces this file wholesale). Minimal semantics: lowest free vector on the first
/// online CPU of the mask, reservations as flags, moves completed at the first ack on the new CPU.
/// </summary>
public sealed class VectorDomain(Machine m)
{
    public const int ManagedIrqShutdownVector = 0xef;
    public const int VectorUnused = -1;
    public const int VectorShutdown = -2;
    public const int VectorRetriggered = -3;

    private readonly Dictionary<int, ApicData> _apic = new();
    private int[,] _vectorIrq = new int[1, 256];
    private bool[,] _irr = new bool[1, 256];

    public CpuMask OnlineMask { get; private set; }

    public void Boot()
    {
        OnlineMask = CpuMask.FirstN(m.Config.Cpus);
        _vectorIrq = new int[m.Config.Cpus, 256];
        _irr = new bool[m.Config.Cpus, 256];
        for (int c = 0; c < m.Config.Cpus; c++)
            for (int v = 0; v < 256; v++) _vectorIrq[c, v] = VectorUnused;
    }

    public ApicData? Apic(int irq) => _apic.GetValueOrDefault(irq);

    private bool Free(int cpu, int v) => _vectorIrq[cpu, v] is VectorUnused or VectorRetriggered && !m.Config.SystemVectors.Contains(v);

    private (int cpu, int vector) FindVector(CpuMask mask, int count = 1)
    {
        foreach (int c in mask.And(OnlineMask))
            for (int v = m.Config.VectorStart; v + count <= m.Config.VectorEnd; v += count)
            {
                bool ok = true;
                for (int i = 0; i < count && ok; i++) ok = Free(c, v + i);
                if (ok) return (c, v);
            }
        return (-1, 0);
    }

    private void Install(ApicData a, int cpu, int v) { a.Cpu = cpu; a.Vector = v; _vectorIrq[cpu, v] = a.Irq; }

    public Errno AllocIrqs(int virq, int nr, VectorAllocInfo info)
    {
        int baseVec = 0, cpu = -1;
        if (info.Contiguous && nr > 1)
        {
            int size = 1; while (size < nr) size <<= 1;
            (cpu, baseVec) = FindVector(m.Irqs[virq]!.Affinity.IsEmpty ? OnlineMask : m.Irqs[virq]!.Affinity, size);
            if (cpu < 0) return Errno.ENOSPC;
        }
        for (int i = 0; i < nr; i++)
        {
            var d = m.Irqs[virq + i]!;
            var a = new ApicData { Irq = d.Irq, IsManaged = d.Managed };
            if (cpu >= 0) Install(a, cpu, baseVec + i);
            else if (info.Mask is { } mask) { var (c, v) = FindVector(mask); if (c < 0) return Errno.ENOSPC; Install(a, c, v); }
            else if (!d.Managed) { a.CanReserve = a.HasReserved = true; d.CanReserve = true; }
            _apic[d.Irq] = a;
            d.EffectiveAffinity = a.Vector != 0 ? CpuMask.Of(a.Cpu) : CpuMask.Empty;
        }
        return Errno.Ok;
    }

    public void FreeIrqs(int virq, int nr)
    {
        for (int i = 0; i < nr; i++)
            if (_apic.Remove(virq + i, out var a)) Clear(a);
    }

    private void Clear(ApicData a)
    {
        if (a.Vector != 0 && a.Vector != ManagedIrqShutdownVector) _vectorIrq[a.Cpu, a.Vector] = VectorUnused;
        if (a.PrevVector != 0) _vectorIrq[a.PrevCpu, a.PrevVector] = VectorUnused;
        a.Vector = a.PrevVector = 0; a.MoveInProgress = false;
    }

    public Errno Activate(IrqDesc d, bool reserve)
    {
        var a = Apic(d.Irq);
        if (a is null) return Errno.EINVAL;
        if (a.Vector != 0 && a.Vector != ManagedIrqShutdownVector) return Errno.Ok;
        if (reserve) { a.Cpu = d.Affinity.And(OnlineMask).First is var c and >= 0 ? c : OnlineMask.First; a.Vector = ManagedIrqShutdownVector; return Errno.Ok; }
        var (cpu, v) = FindVector(d.Affinity.IsEmpty ? OnlineMask : d.Affinity);
        if (cpu < 0) return Errno.ENOSPC;
        Install(a, cpu, v);
        a.HasReserved = false;
        if (!d.CanReserve) a.CanReserve = false;
        d.EffectiveAffinity = CpuMask.Of(cpu);
        return Errno.Ok;
    }

    public void Deactivate(IrqDesc d)
    {
        var a = Apic(d.Irq);
        if (a is null) return;
        Clear(a);
        if (a.CanReserve) a.HasReserved = true;
    }

    public Errno SetAffinity(IrqDesc d, CpuMask dest, bool force)
    {
        var a = Apic(d.Irq);
        if (a is null || a.Vector == 0) return Errno.EIO;
        if (dest.Contains(a.Cpu) && OnlineMask.Contains(a.Cpu)) return Errno.Ok;
        if (a.MoveInProgress || a.PrevVector != 0) return Errno.EBUSY;
        var (cpu, v) = FindVector(dest);
        if (cpu < 0) return Errno.ENOSPC;
        a.PrevCpu = a.Cpu; a.PrevVector = a.Vector; a.MoveInProgress = true;
        Install(a, cpu, v);
        d.EffectiveAffinity = CpuMask.Of(cpu);
        return Errno.Ok;
    }

    public IEnumerable<Sched> AckEdge(IrqDesc d, int cpu)
    {
        var a = Apic(d.Irq);
        if (a is not null && a.MoveInProgress && a.Cpu == cpu)
        {
            _vectorIrq[a.PrevCpu, a.PrevVector] = VectorUnused;
            a.PrevVector = 0; a.MoveInProgress = false;
        }
        foreach (var s in m.Irq.MoveMaskedIrq(d)) yield return s;
    }

    public bool Retrigger(IrqDesc d)
    {
        var a = Apic(d.Irq);
        if (a is null || a.Vector == 0) return false;
        Deliver(a.Cpu, a.Vector);
        return true;
    }

    public void ForceCompleteMove(IrqDesc d, int outgoingCpu) { }

    public void Deliver(int cpu, int vector) { if (cpu >= 0 && cpu < m.Config.Cpus) _irr[cpu, vector] = true; }

    public int VectorIrq(int cpu, int vector) => cpu >= 0 && cpu < m.Config.Cpus ? _vectorIrq[cpu, vector] : VectorUnused;

    public bool MarkRetriggeredIfUnused(int cpu, int vector)
    {
        if (_vectorIrq[cpu, vector] != VectorUnused) return false;
        _vectorIrq[cpu, vector] = VectorRetriggered;
        return true;
    }

    public bool IrrPending(int cpu, int vector) => _irr[cpu, vector];

    public (int cpu, int vector) Target(int irq) => Apic(irq) is { } a ? (a.Cpu, a.Vector) : (-1, 0);

    /// <summary>Delivers one pending IRR vector (lowest CPU, highest vector) to its irq.</summary>
    public bool DrainOnce()
    {
        for (int c = 0; c < m.Config.Cpus; c++)
            for (int v = 255; v >= 0; v--)
            {
                if (!_irr[c, v]) continue;
                _irr[c, v] = false;
                int irq = _vectorIrq[c, v];
                if (irq >= 0 && m.Irqs[irq] is { } d) m.Run("handle_irq", c, m.Irq.HandleIrq(d, c));
                return true;
            }
        return false;
    }

    public void Hash(ref StateHasher h)
    {
        h.Add(OnlineMask.Bits);
        foreach (var a in _apic.Values.OrderBy(x => x.Irq)) { h.Add(a.Irq); h.Add(a.Cpu); h.Add(a.Vector); h.Add(a.PrevVector); h.Add(a.HasReserved); }
    }

    public void Dump(TextWriter w) { }
}
