namespace IrqVerify.Conformance.Differential;

/// <summary>The matrix.c entry points the differential drives. The values are the glue's
/// <c>enum kmx_op</c> (native/glue/kmatrix_glue.c).</summary>
public enum MatrixCallKind
{
    Online = 0,
    Offline = 1,
    AssignSystem = 2,
    Assign = 3,
    ReserveManaged = 4,
    RemoveManaged = 5,
    AllocManaged = 6,
    Alloc = 7,
    Free = 8,
    Reserve = 9,
    RemoveReserved = 10,
    /// <summary>irq_matrix_available(cpudown = Flag) on local CPU.</summary>
    QueryAvailable = 11,
    QueryReserved = 12,
    /// <summary>irq_matrix_allocated on local CPU.</summary>
    QueryAllocated = 13,
}
