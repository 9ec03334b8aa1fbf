using IrqVerify.Model.Core;
using IrqVerify.Model.Designs;
using IrqVerify.Model.Matrix;

namespace IrqVerify.Designs.Template;

/// <summary>Tries the CPUs of the destination in ascending order, each through the matrix's own
/// irq_matrix_alloc (so its accounting, and every invariant on it, still holds).</summary>
public sealed class LowestCpuFirst : IVectorAssigner
{
    public Errno AssignVector(IrqMatrix matrix, CpuMask dest, bool reserved, out int cpu, out int vector)
    {
        var e = Errno.ENOSPC;
        cpu = vector = -1;
        foreach (int c in dest)
        {
            e = matrix.Alloc(CpuMask.Of(c), reserved, out cpu, out vector);
            if (e == Errno.Ok) return e;
        }
        return dest.IsEmpty ? matrix.Alloc(dest, reserved, out cpu, out vector) : e;
    }
}
