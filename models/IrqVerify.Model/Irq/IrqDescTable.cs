using IrqVerify.Model.Core;

namespace IrqVerify.Model.Irq;

/// <summary>
/// The Linux irq number space (sparse irq descriptors). Numbers below <see cref="FirstDynamic"/>
/// are legacy / GSI irqs; dynamic allocations (MSI, Xen) take the lowest free consecutive range
/// at or above it, as irq_domain_alloc_descs does.
/// </summary>
public sealed class IrqDescTable
{
    private readonly IrqDesc[] _descs;

    public IrqDescTable(int nrIrqs, int firstDynamic)
    {
        _descs = new IrqDesc[nrIrqs];
        for (int i = 0; i < nrIrqs; i++) _descs[i] = new IrqDesc(i);
        FirstDynamic = firstDynamic;
    }

    public int Count => _descs.Length;
    public int FirstDynamic { get; }

    /// <summary>The descriptor of an allocated irq, or null (irq_to_desc).</summary>
    public IrqDesc? this[int irq] => irq >= 0 && irq < _descs.Length && _descs[irq].Allocated ? _descs[irq] : null;

    /// <summary>Every slot, allocated or not (for invariants and dumps).</summary>
    public IReadOnlyList<IrqDesc> All => _descs;

    /// <summary>
    /// Allocates <paramref name="count"/> consecutive descriptors (the lowest free range at or above
    /// FirstDynamic). Returns the first irq, or -1 (-ENOMEM in the kernel) when no range is free.
    /// </summary>
    public int AllocRange(int count, IrqOwner owner, int ownerIndex)
    {
        if (count < 1) return -1;
        for (int start = FirstDynamic; start + count <= _descs.Length; start++)
        {
            int i = 0;
            while (i < count && !_descs[start + i].Allocated) i++;
            if (i < count) { start += i; continue; }
            for (int k = 0; k < count; k++)
            {
                var d = _descs[start + k];
                d.Reset();
                d.Allocated = true;
                d.Owner = owner;
                d.OwnerIndex = ownerIndex;
                d.OwnerSub = k;
            }
            return start;
        }
        return -1;
    }

    /// <summary>Allocates one fixed (legacy/pin) irq number. False if taken or out of range.</summary>
    public bool AllocFixed(int irq, IrqOwner owner, int ownerIndex)
    {
        if (irq < 0 || irq >= _descs.Length || _descs[irq].Allocated) return false;
        var d = _descs[irq];
        d.Reset();
        d.Allocated = true;
        d.Owner = owner;
        d.OwnerIndex = ownerIndex;
        return true;
    }

    /// <summary>irq_free_descs. Freeing an unallocated irq is ignored (the caller reports it).</summary>
    public void FreeRange(int start, int count)
    {
        for (int k = 0; k < count; k++)
        {
            int irq = start + k;
            if (irq >= 0 && irq < _descs.Length) _descs[irq].Reset();
        }
    }

    public int AllocatedCount(IrqOwner owner)
    {
        int n = 0;
        foreach (var d in _descs) if (d.Allocated && d.Owner == owner) n++;
        return n;
    }

    /// <summary>Makes every descriptor equal to <paramref name="o"/>'s (a table of machine <paramref name="from"/>);
    /// chips are translated to the chip objects of <paramref name="to"/>, the owning machine.</summary>
    internal void CopyFrom(IrqDescTable o, Machine to, Machine from)
    {
        if (o._descs.Length != _descs.Length) throw new ArgumentException("irq space differs", nameof(o));
        for (int i = 0; i < _descs.Length; i++)
        {
            var s = o._descs[i];
            _descs[i].CopyFrom(s, to.MapChip(s.Chip, from));
        }
    }

    public void Hash(ref StateHasher h)
    {
        foreach (var d in _descs) d.Hash(ref h);
    }
}
