using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Pci;

/// <summary>
/// "IR-PCI-MSI": PCI/MSI behind interrupt remapping. The function's message names an IRTE; the
/// IRTE holds (cpu, vector). Affinity changes rewrite the IRTE atomically (128-bit cmpxchg in VT-d),
/// so they are not deferred and can never be torn.
/// </summary>
public sealed class RemappedMsiChip(Machine m, PciBus bus) : PciMsiChip(m, bus)
{
    public override string Name => "IR-PCI-MSI";
    public override bool MoveDeferred => false;

    protected override MsiMessage Program(PciDevice dev, MsiDescriptor desc, int k, IrqDesc d)
    {
        WriteIrte(desc, k, d.Irq);
        return MsiMessage.Remapped(desc.IrteBase);
    }

    protected override void Unprogram(MsiDescriptor desc, int k)
    {
        if (Bus.Irte is { } t && desc.IrteBase >= 0) t.Entries.Mutable(desc.IrteBase + k).Present = false;
    }

    /// <summary>modify_irte with the vector domain's current cfg.</summary>
    private void WriteIrte(MsiDescriptor desc, int k, int irq)
    {
        if (Bus.Irte is not { } t || desc.IrteBase < 0) return;
        var (cpu, vector) = M.Vector.Target(irq);
        ref var e = ref t.Entries.Mutable(desc.IrteBase + k);
        e.Present = true;
        e.Irq = irq;
        e.Cpu = cpu;
        e.Vector = vector;
    }

    /// <summary>intel_ir_set_affinity: parent apic_set_affinity, then the IRTE in the same step.</summary>
    public override IEnumerable<Sched> SetAffinity(IrqDesc d, CpuMask dest, bool force, OpResult result)
    {
        yield return Sched.Under("intel_ir_set_affinity.apic_set_affinity", LockRef.VectorLock);
        if (!Bus.TryLookup(d, out _, out var desc, out int k)) { result.Fail(Errno.EINVAL); yield break; }
        var e = M.Vector.SetAffinity(d, dest, force);
        if (e != Errno.Ok) { result.Fail(e); yield break; }
        WriteIrte(desc, k, d.Irq);
        M.Trace?.Effect($"irq {d.Irq}: IRTE {desc.IrteBase + k} -> {M.Vector.Target(d.Irq)}");
        // The IRTE update is atomic: from here on every interrupt arrives at the new target, so the
        // old vector can be cleaned up without waiting for one (vector_schedule_cleanup).
        if (M.Vector.Apic(d.Irq) is { MoveInProgress: true }) M.Vector.ScheduleCleanupFor(d.Irq);
        result.Set(0);
    }
}
