using IrqVerify.Model.Invariants;

namespace IrqVerify.Model.Matrix;

/// <summary>Invariants of the Matrix subsystem (spec §8) — placeholder; the subsystem adds its checks.</summary>
public static class MatrixInvariants
{
    public static IEnumerable<InvariantCheck> All => [];
}
