using IrqVerify.Model.Program;

namespace IrqVerify.Model.Pci;

/// <summary>Program operations of the Pci subsystem — placeholder; the subsystem registers its vocabulary here.</summary>
public static class PciOps
{
    public static void Register(OpCatalog c) { _ = c; }
}
