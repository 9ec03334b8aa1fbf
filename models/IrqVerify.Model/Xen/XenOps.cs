using IrqVerify.Model.Program;

namespace IrqVerify.Model.Xen;

/// <summary>Program operations of the Xen subsystem — placeholder; the subsystem registers its vocabulary here.</summary>
public static class XenOps
{
    public static void Register(OpCatalog c) { _ = c; }
}
