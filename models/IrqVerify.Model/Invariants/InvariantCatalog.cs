namespace IrqVerify.Model.Invariants;

/// <summary>The whole catalogue of spec §8, in catalogue order, aggregated from the subsystems.</summary>
public static class InvariantCatalog
{
    private static IReadOnlyList<InvariantCheck>? _all;

    public static IReadOnlyList<InvariantCheck> All => _all ??= Build();

    public static IEnumerable<InvariantCheck> Safety => All.Where(c => c.Kind == InvariantKind.Safety);
    public static IEnumerable<InvariantCheck> Eventual => All.Where(c => c.Kind == InvariantKind.Eventual);

    public static InvariantCheck ById(string id) => All.First(c => c.Id == id);

    private static IReadOnlyList<InvariantCheck> Build()
    {
        var list = new List<InvariantCheck>();
        list.AddRange(Matrix.MatrixInvariants.All);
        list.AddRange(Vector.VectorInvariants.All);
        list.AddRange(Pci.PciInvariants.All);
        list.AddRange(Xen.XenInvariants.All);
        list.AddRange(GenericInvariants.All);
        return list;
    }
}
