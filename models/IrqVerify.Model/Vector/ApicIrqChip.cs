using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Vector;

/// <summary>
/// A bare vector irq chip: the irq is retargeted by reprogramming only the vector domain (like an
/// interrupt-remapped or HPET irq), so moves run in process context (not deferred), and the device
/// side has no mask to touch. Lets programs drive the x86 vector domain directly.
/// </summary>
public sealed class ApicIrqChip(Machine m) : IIrqChip
{
    public string Name => "APIC";

    public Errno Activate(IrqDesc d, bool reserve) => m.Vector.Activate(d, reserve);

    public void Deactivate(IrqDesc d) => m.Vector.Deactivate(d);

    public void Mask(IrqDesc d) { }

    public void Unmask(IrqDesc d) { }

    public IEnumerable<Sched> Ack(IrqDesc d, int cpu) => m.Vector.AckEdge(d, cpu);

    public IEnumerable<Sched> MaskAck(IrqDesc d, int cpu)
    {
        Mask(d);
        return m.Vector.AckEdge(d, cpu);
    }

    public IEnumerable<Sched> SetAffinity(IrqDesc d, CpuMask dest, bool force, OpResult result)
    {
        yield return Sched.Under("apic_set_affinity", LockRef.VectorLock);
        var e = m.Vector.SetAffinity(d, dest, force);
        if (e == Errno.Ok) result.Set(0);
        else result.Fail(e);
    }

    public bool MoveDeferred => false;

    public bool Retrigger(IrqDesc d) => m.Vector.Retrigger(d);

    public void ForceCompleteMove(IrqDesc d, int outgoingCpu) => m.Vector.ForceCompleteMove(d, outgoingCpu);

    public CpuMask OnlineCpus => m.Vector.OnlineMask;
}
