using IrqVerify.Model.Program;

namespace IrqVerify.Model.Vector;

/// <summary>Program operations of the Vector subsystem — placeholder; the subsystem registers its vocabulary here.</summary>
public static class VectorOps
{
    public static void Register(OpCatalog c) { _ = c; }
}
