using IrqVerify.Model.Invariants;

namespace IrqVerify.Model.Pci;

/// <summary>Invariants of the Pci subsystem (spec §8) — placeholder; the subsystem adds its checks.</summary>
public static class PciInvariants
{
    public static IEnumerable<InvariantCheck> All => [];
}
