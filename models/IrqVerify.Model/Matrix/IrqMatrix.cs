using IrqVerify.Model.Core;

namespace IrqVerify.Model.Matrix;

/// <summary>kernel/irq/matrix.c — placeholder shell; the matrix subsystem fills it in.</summary>
public sealed class IrqMatrix(int cpus, int matrixBits, int allocStart, int allocEnd, DiagnosticLog diagnostics)
{
    public int Cpus { get; } = cpus;
    public int MatrixBits { get; } = matrixBits;
    public int AllocStart { get; } = allocStart;
    public int AllocEnd { get; } = allocEnd;
    public DiagnosticLog Diagnostics { get; } = diagnostics;
    public ITraceSink? Trace { get; set; }

    public void Hash(ref StateHasher h) { h.Add(Cpus); }

    public void Dump(TextWriter w) { }
}
