using System.Numerics;
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
    /// <summary>One bit per irq, set iff its descriptor is allocated. Allocation state changes only
    /// here (AllocRange / AllocFixed / FreeRange / CopyFrom), so checks and copies can visit the few
    /// live descriptors instead of the whole number space.</summary>
    private readonly ulong[] _allocated;

    public IrqDescTable(int nrIrqs, int firstDynamic)
    {
        _descs = new IrqDesc[nrIrqs];
        _allocated = new ulong[(nrIrqs + 63) / 64];
        for (int i = 0; i < nrIrqs; i++) _descs[i] = new IrqDesc(i, Epoch);
        FirstDynamic = firstDynamic;
    }

    /// <summary>Bumped by every change of a descriptor (its setters) or of the allocation map.</summary>
    internal ChangeEpoch Epoch { get; } = new();

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
                Mark(start + k, true);
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
        Mark(irq, true);
        return true;
    }

    /// <summary>irq_free_descs. Freeing an unallocated irq is ignored (the caller reports it).</summary>
    public void FreeRange(int start, int count)
    {
        for (int k = 0; k < count; k++)
        {
            int irq = start + k;
            if (irq >= 0 && irq < _descs.Length)
            {
                _descs[irq].Reset();
                Mark(irq, false);
            }
        }
    }

    private void Mark(int irq, bool allocated)
    {
        Epoch.Bump();
        if (allocated) _allocated[irq >> 6] |= 1UL << (irq & 63);
        else _allocated[irq >> 6] &= ~(1UL << (irq & 63));
    }

    /// <summary>The lowest allocated irq ≥ <paramref name="from"/>, or -1.</summary>
    public int NextAllocated(int from)
    {
        if (from < 0) from = 0;
        for (int w = from >> 6; w < _allocated.Length; w++)
        {
            ulong bits = _allocated[w];
            if (w == from >> 6) bits &= ulong.MaxValue << (from & 63);
            if (bits != 0) return (w << 6) + BitOperations.TrailingZeroCount(bits);
        }
        return -1;
    }

    /// <summary>The allocated descriptors in irq order, allocation-free: <c>foreach (var d in t.AllocatedDescs())</c>.</summary>
    public AllocatedEnumerator AllocatedDescs() => new(this);

    public struct AllocatedEnumerator(IrqDescTable table)
    {
        private int _next;
        public IrqDesc Current { get; private set; } = null!;

        public readonly AllocatedEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            int irq = table.NextAllocated(_next);
            if (irq < 0) return false;
            Current = table._descs[irq];
            _next = irq + 1;
            return true;
        }
    }

    public int AllocatedCount(IrqOwner owner)
    {
        int n = 0;
        foreach (var d in AllocatedDescs()) if (d.Owner == owner) n++;
        return n;
    }

    /// <summary>Makes every descriptor equal to <paramref name="o"/>'s (a table of machine <paramref name="from"/>);
    /// chips are translated to the chip objects of <paramref name="to"/>, the owning machine.</summary>
    internal void CopyFrom(IrqDescTable o, Machine to, Machine from)
    {
        if (o._descs.Length != _descs.Length) throw new ArgumentException("irq space differs", nameof(o));
        Epoch.Bump();
        // A free descriptor is dead state (allocation resets it, nothing reads it): copy the live
        // ones, reset the ones only this table has allocated.
        for (int w = 0; w < _allocated.Length; w++)
        {
            ulong both = _allocated[w] | o._allocated[w];
            while (both != 0)
            {
                int i = (w << 6) + BitOperations.TrailingZeroCount(both);
                both &= both - 1;
                var s = o._descs[i];
                if (s.Allocated) _descs[i].CopyFrom(s, to.MapChip(s.Chip, from));
                else _descs[i].Reset();
            }
            _allocated[w] = o._allocated[w];
        }
    }

    public void Hash(ref StateHasher h)
    {
        // IrqDesc.Hash of a free descriptor is just Add(false), a zero word: runs of free descriptors
        // hash as one AddZeros, giving the same value as visiting each.
        int at = 0;
        for (int irq = NextAllocated(0); irq >= 0; irq = NextAllocated(irq + 1))
        {
            h.AddZeros(irq - at);
            _descs[irq].Hash(ref h);
            at = irq + 1;
        }
        h.AddZeros(_descs.Length - at);
    }

    /// <summary>/sys/kernel/debug/irq/irqs style: one line per allocated irq with its generic state
    /// (depth, IRQD_ACTIVATED / STARTED / MANAGED_SHUTDOWN, IRQS_PENDING, affinity, counts).</summary>
    public void Dump(TextWriter w)
    {
        w.WriteLine("irqs:");
        foreach (var d in AllocatedDescs()) w.WriteLine("  " + d.StateText());
    }
}
