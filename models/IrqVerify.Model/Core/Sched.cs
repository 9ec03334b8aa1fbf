namespace IrqVerify.Model.Core;

/// <summary>
/// A named scheduling point. Operations are C# iterators over the machine that yield a Sched
/// wherever the kernel can interleave with another CPU (lock boundaries, atomics, separate 32-bit
/// device writes, hypercalls, snapshot-then-handle). The code between two yields is one atomic step.
/// <para>
/// <see cref="Needs"/>: the step that follows may only run while that lock is free. Critical sections
/// that contain no scheduling point need no explicit lock: a step is atomic. Locks held across
/// scheduling points (e.g. vector_lock over the careful MSI write) are taken and released through
/// <see cref="Machine.Locks"/> and make other threads that "Need" them wait.
/// </para>
/// </summary>
/// <para><see cref="Until"/>: the step that follows may only run once this holds (e.g. free_irq's
/// synchronize_irq waiting for a handler in progress on another CPU). Keep it rare: it allocates.</para>
public readonly record struct Sched(string Point, LockRef Needs = default, Func<bool>? Until = null)
{
    public static Sched At(string point) => new(point);
    public static Sched Under(string point, LockRef lockRef) => new(point, lockRef);
    public static Sched When(string point, Func<bool> until) => new(point, default, until);
    public override string ToString() => Needs.IsNone ? Point : $"{Point} [{Needs}]";
}

/// <summary>Kinds of kernel locks the model serializes on.</summary>
public enum LockKind : byte
{
    None = 0,
    /// <summary>x86 vector_lock (matrix + apic chip data).</summary>
    VectorLock,
    /// <summary>Per-irq desc->lock (index = Linux irq).</summary>
    DescLock,
    /// <summary>Per-device msi_lock (index = device index).</summary>
    MsiLock,
    /// <summary>Xen irq_mapping_update_lock (mutex).</summary>
    IrqMappingUpdate,
    /// <summary>Xen irq_info->lock (index = Linux irq).</summary>
    XenInfoLock,
    /// <summary>Per-device MSI descriptor mutex, msi_lock_descs() (index = device index).</summary>
    MsiDescLock,
    /// <summary>stop_machine (kernel/stop_machine.c): while one thread holds it every other CPU spins
    /// in multi_cpu_stop with interrupts off; only devices and the hypervisor act.</summary>
    StopMachine,
}

public readonly record struct LockRef(LockKind Kind, int Index = 0)
{
    public bool IsNone => Kind == LockKind.None;
    public static readonly LockRef VectorLock = new(LockKind.VectorLock);
    public static readonly LockRef IrqMappingUpdate = new(LockKind.IrqMappingUpdate);
    public static LockRef Desc(int irq) => new(LockKind.DescLock, irq);
    public static LockRef Msi(int device) => new(LockKind.MsiLock, device);
    public static LockRef XenInfo(int irq) => new(LockKind.XenInfoLock, irq);
    public static LockRef MsiDescs(int device) => new(LockKind.MsiDescLock, device);
    public static readonly LockRef StopMachine = new(LockKind.StopMachine);

    /// <summary>A spinning lock (raw spinlock, interrupts off): its holder cannot be preempted, so
    /// stop_machine cannot start while another CPU holds one. Mutexes (irq_mapping_update_lock, the
    /// MSI descriptor mutex) sleep and do not hold stop_machine off.</summary>
    public bool Spins => Kind is LockKind.VectorLock or LockKind.DescLock or LockKind.MsiLock or LockKind.XenInfoLock;
    public override string ToString() => Kind switch
    {
        LockKind.VectorLock => "vector_lock",
        LockKind.IrqMappingUpdate => "irq_mapping_update_lock",
        LockKind.DescLock => $"desc_lock({Index})",
        LockKind.MsiLock => $"msi_lock(dev{Index})",
        LockKind.XenInfoLock => $"info_lock({Index})",
        LockKind.MsiDescLock => $"msi_descs_lock(dev{Index})",
        LockKind.StopMachine => "stop_machine",
        _ => "none",
    };
}
