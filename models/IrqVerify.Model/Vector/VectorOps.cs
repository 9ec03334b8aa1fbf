using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;
using IrqVerify.Model.Program;

namespace IrqVerify.Model.Vector;

/// <summary>Program operations of the x86 vector domain, its entry path and CPU hotplug.</summary>
public static class VectorOps
{
    public static void Register(OpCatalog c)
    {
        c.Add(new OpSpec("vector_alloc", [ParamSpec.Mask(), ParamSpec.Word("managed", "none", "managed")], ResultKind.Irq, -1,
            (m, a, r) => VectorAlloc(m, a.Mask(0), a.Int(1) == 1, r),
            "x86_vector_alloc_irqs for one new irq on the bare APIC chip: managed → managed reservation on every CPU of the mask; a mask → a vector now; {} → reservation mode"));
        c.Add(new OpSpec("vector_activate", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => VectorActivate(m, a.Int(0), r),
            "irq_domain_activate_irq(irq): a real vector (reservation consumed, managed reservation used)"));
        c.Add(new OpSpec("vector_deactivate", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => VectorDeactivate(m, a.Int(0), r),
            "irq_domain_deactivate_irq(irq): release the vector, re-reserve or park at the shutdown vector"));
        c.Add(new OpSpec("vector_free", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => VectorFree(m, a.Int(0), r),
            "deactivate, x86_vector_free_irqs and free the descriptor of an irq from vector_alloc"));
        c.Add(new OpSpec("apic_raise", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => ApicRaise(m, a.Int(0), r),
            "the device / IO-APIC fires the irq at its current (cpu, vector) target")
        { IsEnvironment = true });
        c.Add(new OpSpec("interrupt", [ParamSpec.Cpu()], ResultKind.None, 0,
            (m, a, r) => m.Vector.Interrupt(a.Int(0), r),
            "the CPU takes its highest pending IRR vector: common_interrupt → vector_irq → flow handler → apic_ack_edge"));
        c.Add(new OpSpec("cleanup_timer", [ParamSpec.Cpu()], ResultKind.None, 0,
            (m, a, r) => m.Vector.CleanupTimer(a.Int(0), r),
            "vector_cleanup_callback on the CPU: free moved-away vectors not pending in its IRR"));
        c.Add(new OpSpec("cpu_offline", [ParamSpec.Cpu()], ResultKind.None, 0,
            (m, a, r) => m.Vector.CpuOffline(a.Int(0), r),
            "take the CPU down: lapic_can_unplug_cpu, cpu_disable_common, fixup_irqs (migrate_one_irq, IRR retrigger), lapic_offline"));
        c.Add(new OpSpec("cpu_online", [ParamSpec.Cpu()], ResultKind.None, 0,
            (m, a, r) => m.Vector.CpuOnline(a.Int(0), r),
            "bring the CPU up: lapic_online, then restart managed irqs of its mask"));
    }

    /// <summary>
    /// A new Linux irq on the bare APIC chip with desc.Affinity = mask (the default affinity, all
    /// CPUs, for {}), then x86_vector_alloc_irqs. The descriptor is freed again on failure.
    /// </summary>
    public static IEnumerable<Sched> VectorAlloc(Machine m, CpuMask mask, bool managed, OpResult r)
    {
        yield return Sched.Under("x86_vector_alloc_irqs", LockRef.VectorLock);
        int irq = m.Irqs.AllocRange(1, IrqOwner.Legacy, 0);
        if (irq < 0) { r.Fail(Errno.ENOMEM); yield break; }
        var d = m.Irqs[irq]!;
        d.Chip = m.Vector.Chip;
        d.Flow = FlowKind.Edge;
        d.Affinity = mask.IsEmpty ? CpuMask.FirstN(m.Config.Cpus) : mask;
        d.Managed = managed;
        var e = m.Vector.AllocIrqs(irq, 1, new VectorAllocInfo(managed || mask.IsEmpty ? null : mask, false));
        if (e != Errno.Ok)
        {
            m.Irqs.FreeRange(irq, 1);
            r.Fail(e);
            yield break;
        }
        r.Set(irq);
    }

    private static IrqDesc? ApicDesc(Machine m, int irq) =>
        m.Irqs[irq] is { } d && ReferenceEquals(d.Chip, m.Vector.Chip) ? d : null;

    internal static IEnumerable<Sched> VectorActivate(Machine m, int irq, OpResult r)
    {
        yield return Sched.Under("irq_domain_activate_irq", LockRef.VectorLock);
        if (ApicDesc(m, irq) is not { } d) { r.Fail(Errno.EINVAL); yield break; }
        var e = m.Irq.Activate(d, reserve: false);
        if (e == Errno.Ok) r.Set(0); else r.Fail(e);
    }

    private static IEnumerable<Sched> VectorDeactivate(Machine m, int irq, OpResult r)
    {
        yield return Sched.Under("irq_domain_deactivate_irq", LockRef.VectorLock);
        if (ApicDesc(m, irq) is not { } d) { r.Fail(Errno.EINVAL); yield break; }
        // The domain op is only called after irq_shutdown, from free_irq or the managed shutdown
        // (irq_shutdown_and_deactivate) or the MSI teardown: deactivating a started or requested irq
        // pulls the vector from under its handler, and an interrupt pending on it is lost (I-G2).
        // Caller misuse, refused like vector_free with a handler, so the state stays sound.
        if (d.Started || d.Action is not null)
        {
            string why = d.Started ? "while started" : "while a handler is requested";
            m.Misuse("vector_deactivate", $"irq {irq} deactivated {why} (irq_domain_deactivate_irq runs only after irq_shutdown)");
            r.Fail(Errno.EBUSY);
            yield break;
        }
        m.Irq.Deactivate(d);
        r.Set(0);
    }

    private static IEnumerable<Sched> VectorFree(Machine m, int irq, OpResult r)
    {
        yield return Sched.Under("irq_domain_free_irqs", LockRef.VectorLock);
        if (ApicDesc(m, irq) is not { } d) { r.Fail(Errno.EINVAL); yield break; }
        if (d.Action is not null)
        {
            m.Misuse("vector_free", $"irq {irq} freed with a handler still requested");
            r.Fail(Errno.EBUSY);
            yield break;
        }
        m.Irq.Deactivate(d);
        m.Vector.FreeIrqs(irq, 1);
        m.Irqs.FreeRange(irq, 1);
        r.Set(0);
    }

    private static IEnumerable<Sched> ApicRaise(Machine m, int irq, OpResult r)
    {
        yield return Sched.At("apic_raise");
        var e = m.Vector.Raise(irq);
        if (e == Errno.Ok) r.Set(0); else r.Fail(e);
    }
}
