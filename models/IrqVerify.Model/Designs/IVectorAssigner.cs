using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;

namespace IrqVerify.Model.Designs;

/// <summary>
/// assign_vector_locked's choice of a new (CPU, vector) for a non-managed irq among
/// <paramref name="dest"/>. <paramref name="reserved"/>: the irq holds a global reservation the
/// allocation consumes. The implementation must go through the matrix (its accounting is checked).
/// </summary>
public interface IVectorAssigner
{
    Errno AssignVector(IrqMatrix matrix, CpuMask dest, bool reserved, out int cpu, out int vector);
}
