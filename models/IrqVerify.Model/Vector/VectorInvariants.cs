using IrqVerify.Model.Invariants;

namespace IrqVerify.Model.Vector;

/// <summary>Invariants of the Vector subsystem (spec §8) — placeholder; the subsystem adds its checks.</summary>
public static class VectorInvariants
{
    public static IEnumerable<InvariantCheck> All => [];
}
