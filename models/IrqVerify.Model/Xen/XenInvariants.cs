using IrqVerify.Model.Invariants;

namespace IrqVerify.Model.Xen;

/// <summary>Invariants of the Xen subsystem (spec §8) — placeholder; the subsystem adds its checks.</summary>
public static class XenInvariants
{
    public static IEnumerable<InvariantCheck> All => [];
}
