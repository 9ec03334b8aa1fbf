using IrqVerify.Model.Core;

namespace IrqVerify.Model.Irq;

/// <summary>
/// The irq_chip and irq_domain operations the generic layer drives, for one kind of interrupt
/// (PCI/MSI over the x86 vector domain, Xen dynamic / lateeoi / per-CPU / PIRQ). Each chip is one
/// object per machine; per-irq data hangs off <see cref="IrqDesc"/>.
/// Multi-step operations are iterators: they yield a <see cref="Sched"/> wherever another CPU or
/// the device can interleave.
/// </summary>
public interface IIrqChip
{
    string Name { get; }

    /// <summary>irq_domain_activate_irq for the hierarchy: program vector / IRTE / message.
    /// <paramref name="reserve"/> = reservation mode (point at the shutdown vector only).</summary>
    Errno Activate(IrqDesc d, bool reserve);

    /// <summary>irq_domain_deactivate_irq for the hierarchy.</summary>
    void Deactivate(IrqDesc d);

    /// <summary>irq_mask at the lowest maskable level (device entry / event channel).</summary>
    void Mask(IrqDesc d);

    void Unmask(IrqDesc d);

    /// <summary>The flow's ack on the handling CPU (x86: apic_ack_edge → irq_complete_move,
    /// irq_move_irq; Xen: event_handler_exit or the lateeoi ack).</summary>
    IEnumerable<Sched> Ack(IrqDesc d, int cpu);

    /// <summary>mask_ack: the edge flow's "already in progress elsewhere" path.</summary>
    IEnumerable<Sched> MaskAck(IrqDesc d, int cpu);

    /// <summary>irq_chip::irq_set_affinity. The result carries an Errno on failure.</summary>
    IEnumerable<Sched> SetAffinity(IrqDesc d, CpuMask dest, bool force, OpResult result);

    /// <summary>IRQCHIP_MOVE_DEFERRED: affinity changes are recorded and run from the ack path.</summary>
    bool MoveDeferred { get; }

    /// <summary>irq_retrigger: resend the interrupt to its current target. False if unsupported.</summary>
    bool Retrigger(IrqDesc d);

    /// <summary>irq_force_complete_move for a CPU going offline (x86); a no-op elsewhere.</summary>
    void ForceCompleteMove(IrqDesc d, int outgoingCpu);

    /// <summary>The CPUs (vCPUs) this chip's irqs can currently target: cpu_online_mask of its side.</summary>
    CpuMask OnlineCpus { get; }
}
