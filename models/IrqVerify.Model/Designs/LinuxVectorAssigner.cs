using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;

namespace IrqVerify.Model.Designs;

/// <summary>irq_matrix_alloc: the CPU with the fewest allocated vectors, its lowest free vector.</summary>
public sealed class LinuxVectorAssigner : IVectorAssigner
{
    public static readonly LinuxVectorAssigner Instance = new();

    public Errno AssignVector(IrqMatrix matrix, CpuMask dest, bool reserved, out int cpu, out int vector) =>
        matrix.Alloc(dest, reserved, out cpu, out vector);
}
