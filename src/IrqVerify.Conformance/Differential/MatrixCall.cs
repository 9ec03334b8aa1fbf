using IrqVerify.Model.Core;

namespace IrqVerify.Conformance.Differential;

/// <summary>
/// One call into the matrix with every argument explicit, so a sequence replays without its
/// generator. <see cref="Cpu"/> is the local CPU (this_cpu functions) or free's target CPU;
/// <see cref="Flag"/> is replace / managed / reserved / cpudown depending on the call.
/// </summary>
public readonly record struct MatrixCall(MatrixCallKind Kind, int Cpu = 0, CpuMask Mask = default, int Bit = 0, bool Flag = false)
{
    public override string ToString() => Kind switch
    {
        MatrixCallKind.Online => $"irq_matrix_online() on CPU{Cpu}",
        MatrixCallKind.Offline => $"irq_matrix_offline() on CPU{Cpu}",
        MatrixCallKind.AssignSystem => $"irq_matrix_assign_system(bit={Bit}, replace={B(Flag)}) on CPU{Cpu}",
        MatrixCallKind.Assign => $"irq_matrix_assign(bit={Bit}) on CPU{Cpu}",
        MatrixCallKind.ReserveManaged => $"irq_matrix_reserve_managed(msk={M(Mask)})",
        MatrixCallKind.RemoveManaged => $"irq_matrix_remove_managed(msk={M(Mask)})",
        MatrixCallKind.AllocManaged => $"irq_matrix_alloc_managed(msk={M(Mask)})",
        MatrixCallKind.Alloc => $"irq_matrix_alloc(msk={M(Mask)}, reserved={B(Flag)})",
        MatrixCallKind.Free => $"irq_matrix_free(cpu={Cpu}, bit={Bit}, managed={B(Flag)})",
        MatrixCallKind.Reserve => "irq_matrix_reserve()",
        MatrixCallKind.RemoveReserved => "irq_matrix_remove_reserved()",
        MatrixCallKind.QueryAvailable => $"irq_matrix_available(cpudown={B(Flag)}) on CPU{Cpu}",
        MatrixCallKind.QueryReserved => "irq_matrix_reserved()",
        MatrixCallKind.QueryAllocated => $"irq_matrix_allocated() on CPU{Cpu}",
        _ => Kind.ToString(),
    };

    private static string B(bool b) => b ? "true" : "false";
    private static string M(CpuMask m) => m.ToString();
}
