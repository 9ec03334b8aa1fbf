namespace IrqVerify.Conformance.Differential;

/// <summary>irq_alloc_matrix's arguments and the number of possible CPUs.</summary>
public readonly record struct MatrixGeometry(int Cpus, int MatrixBits, int AllocStart, int AllocEnd)
{
    public override string ToString() => $"{Cpus} CPUs, irq_alloc_matrix({MatrixBits}, {AllocStart}, {AllocEnd})";
}
