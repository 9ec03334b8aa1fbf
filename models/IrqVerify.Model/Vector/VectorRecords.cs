using IrqVerify.Model.Core;

namespace IrqVerify.Model.Vector;

/// <summary>
/// The last lapic_can_unplug_cpu() evaluation with its inputs (I-V17, I-V20). <see cref="ToMove"/> is
/// what irq_matrix_allocated() answered; <see cref="NonManagedAllocated"/> is the oracle's own count of
/// the CPU's non-managed vectors, taken from its matrix map at the same moment.
/// </summary>
public sealed record UnplugCheck(int Cpu, int ToMove, int Available, int Reserved, int NonManagedAllocated, Errno Result);

/// <summary>The last assign_vector_locked() decision (I-V9, I-V10): was the current vector usable
/// in place, was a move blocked by a pending one, what it answered and whether it moved.</summary>
public sealed record AssignDecision(int Irq, CpuMask Dest, bool InPlace, bool Busy, Errno Result, bool Moved);

/// <summary>An interrupt pending in an outgoing CPU's IRR that fixup_irqs() could not retrigger (I-V19).</summary>
public readonly record struct StrandedVector(int Cpu, int Vector, int Irq);

/// <summary>An entry-path write that replaced a live descriptor in vector_irq (I-V5, known bug K3).</summary>
public readonly record struct StaleEntryWrite(int Cpu, int Vector, int Irq);
