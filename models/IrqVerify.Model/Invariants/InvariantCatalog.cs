namespace IrqVerify.Model.Invariants;

/// <summary>The whole catalogue of spec §8, in catalogue order, aggregated from the subsystems.</summary>
public static class InvariantCatalog
{
    private static IReadOnlyList<InvariantCheck>? _all;

    public static IReadOnlyList<InvariantCheck> All => _all ??= Build();

    public static IEnumerable<InvariantCheck> Safety => All.Where(c => c.Kind == InvariantKind.Safety);
    public static IEnumerable<InvariantCheck> Eventual => All.Where(c => c.Kind == InvariantKind.Eventual);

    public static InvariantCheck ById(string id) => All.First(c => c.Id == id);

    private static IReadOnlySet<string>? _matrixOnly;

    /// <summary>Ids whose every part is a matrix invariant (a pure function of the matrix); an id
    /// another layer also contributes to is not in the set.</summary>
    public static IReadOnlySet<string> MatrixOnlyIds => _matrixOnly ??= BuildMatrixOnly();

    private static HashSet<string> BuildMatrixOnly()
    {
        var others = Vector.VectorInvariants.All.Concat(Pci.PciInvariants.All).Concat(Xen.XenInvariants.All)
            .Concat(GenericInvariants.All).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        return Matrix.MatrixInvariants.All.Select(c => c.Id).Where(id => !others.Contains(id)).ToHashSet(StringComparer.Ordinal);
    }

    private static IReadOnlyList<InvariantCheck> Build()
    {
        var list = new List<InvariantCheck>();
        list.AddRange(Matrix.MatrixInvariants.All);
        list.AddRange(Vector.VectorInvariants.All);
        list.AddRange(Pci.PciInvariants.All);
        list.AddRange(Xen.XenInvariants.All);
        list.AddRange(GenericInvariants.All);
        // The progress properties (I-L*) close the catalogue, whichever subsystem owns them.
        return Compose(list).OrderBy(c => c.Id.StartsWith("I-L", StringComparison.Ordinal)).ToList();
    }

    /// <summary>
    /// Some invariants span layers (I-V8: the vector domain checks each irq's hardware target, the
    /// PCI layer checks what the device's message registers and IRTEs emit). Each layer checks its
    /// own state; here the parts become one check per catalogue ID, in first-registered order.
    /// </summary>
    private static IReadOnlyList<InvariantCheck> Compose(List<InvariantCheck> parts)
    {
        var result = new List<InvariantCheck>();
        foreach (var group in parts.GroupBy(c => c.Id))
        {
            var all = group.ToArray();
            if (all.Length == 1) { result.Add(all[0]); continue; }
            result.Add(new InvariantCheck(group.Key, all[0].Kind, string.Join("; ", all.Select(c => c.Summary)),
                (m, v) => { foreach (var c in all) c.Check(m, v); }, all.Aggregate(StateScope.None, (r, c) => r | c.Reads)));
        }
        return result;
    }
}
