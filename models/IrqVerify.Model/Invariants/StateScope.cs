namespace IrqVerify.Model.Invariants;

/// <summary>
/// The parts of the machine an invariant reads, each with its own change epoch (see
/// <see cref="Core.ChangeEpoch"/>). A check that does not declare what it reads reads
/// <see cref="All"/> and runs after every step.
/// </summary>
[Flags]
public enum StateScope
{
    None = 0,
    /// <summary>The vector matrix (IrqMatrix).</summary>
    Matrix = 1,
    /// <summary>The x86 vector domain: apic_chip_data, per-CPU vector_irq / IRR / cleanup, its records.</summary>
    Vector = 2,
    /// <summary>The generic irq layer: the irq descriptors and their allocation.</summary>
    Irqs = 4,
    /// <summary>PCI devices, MSI/MSI-X state, descriptors and the IRTE table.</summary>
    Pci = 8,
    /// <summary>The Xen guest's event-channel state and the hypervisor's.</summary>
    Xen = 16,
    /// <summary>The locks held across scheduling points.</summary>
    Locks = 32,
    All = Matrix | Vector | Irqs | Pci | Xen | Locks,
}
