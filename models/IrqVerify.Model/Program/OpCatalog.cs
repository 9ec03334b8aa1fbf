namespace IrqVerify.Model.Program;

/// <summary>
/// The program vocabulary: every operation by name. Each subsystem registers its own operations
/// (GenericOps, VectorOps, PciOps, XenOps); names are unique.
/// </summary>
public sealed class OpCatalog
{
    private readonly Dictionary<string, OpSpec> _ops = new(StringComparer.Ordinal);

    public void Add(OpSpec op)
    {
        if (!_ops.TryAdd(op.Name, op)) throw new InvalidOperationException($"operation '{op.Name}' registered twice");
    }

    public bool TryGet(string name, out OpSpec op) => _ops.TryGetValue(name, out op!);

    public OpSpec this[string name] => _ops[name];

    public IEnumerable<OpSpec> All => _ops.Values.OrderBy(o => o.Name, StringComparer.Ordinal);

    private static OpCatalog? _default;

    /// <summary>The full vocabulary of the reference model.</summary>
    public static OpCatalog Default => _default ??= Build();

    private static OpCatalog Build()
    {
        var c = new OpCatalog();
        GenericOps.Register(c);
        Vector.VectorOps.Register(c);
        Pci.PciOps.Register(c);
        Xen.XenOps.Register(c);
        return c;
    }
}
