namespace IrqVerify.Conformance.Differential;

/// <summary>One implementation of the matrix under comparison (the kernel's C, or the model).</summary>
public interface IMatrixSide : IDisposable
{
    CallOutcome Apply(MatrixCall call);
    MatrixSnapshot Snapshot();
}
