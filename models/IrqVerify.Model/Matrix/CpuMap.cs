using IrqVerify.Model.Core;

namespace IrqVerify.Model.Matrix;

/// <summary>
/// kernel/irq/matrix.c <c>struct cpumap</c>: the allocator state of one possible CPU.
/// Counters are kept as the kernel keeps them (plain counters, never recomputed from the bitmaps);
/// the kernel's are unsigned, so comparisons that could see a wrapped value go through
/// <see cref="AvailableUnsigned"/>. Setters are internal so that tests can corrupt state on purpose.
/// </summary>
public sealed class CpuMap
{
    internal CpuMap(int cpu) { Cpu = cpu; }

    public int Cpu { get; }

    /// <summary>Free non-managed slots (a counter; may drift, see <see cref="AvailableDrift"/>).</summary>
    public int Available { get; internal set; }

    /// <summary>Bits set in <see cref="AllocMap"/> (managed and non-managed allocations).</summary>
    public int Allocated { get; internal set; }

    /// <summary>Bits set in <see cref="ManagedMap"/> (managed reservations).</summary>
    public int Managed { get; internal set; }

    /// <summary>How many allocated bits are managed allocations.</summary>
    public int ManagedAllocated { get; internal set; }

    /// <summary><see cref="Available"/> was computed by the first online.</summary>
    public bool Initialized { get; internal set; }

    /// <summary>Participates in global accounting and CPU selection.</summary>
    public bool Online { get; internal set; }

    /// <summary>alloc_map; a field so the model mutates it in place.</summary>
    internal Bitmap256 AllocBits;

    /// <summary>managed_map; a field so the model mutates it in place.</summary>
    internal Bitmap256 ManagedBits;

    public Bitmap256 AllocMap => AllocBits;
    public Bitmap256 ManagedMap => ManagedBits;

    /// <summary>
    /// Spec §1.4 asymmetry: a managed reservation was added or removed while this CPU was offline
    /// after its first online, so its <see cref="Available"/> counter no longer follows the formula
    /// (I-M5 skips such a CPU). Sticky, even if later changes cancel out.
    /// </summary>
    public bool ManagedChangedWhileOffline { get; internal set; }

    /// <summary>
    /// The exact drift behind <see cref="ManagedChangedWhileOffline"/>: +1 per managed reservation
    /// added while offline (available was not charged), −1 per one removed while offline.
    /// available − drift always equals the I-M5 formula in a correct model.
    /// </summary>
    public int AvailableDrift { get; internal set; }

    /// <summary>The kernel's unsigned view of <see cref="Available"/> (a drift below zero wraps).</summary>
    public uint AvailableUnsigned => unchecked((uint)Available);

    /// <summary>Non-managed allocations: allocated − managed_allocated.</summary>
    public int NonManagedAllocated => Allocated - ManagedAllocated;

    /// <summary>Copies every field of <paramref name="o"/> (same CPU of a machine of the same shape).</summary>
    internal void CopyFrom(CpuMap o)
    {
        Available = o.Available;
        Allocated = o.Allocated;
        Managed = o.Managed;
        ManagedAllocated = o.ManagedAllocated;
        Initialized = o.Initialized;
        Online = o.Online;
        AllocBits = o.AllocBits;
        ManagedBits = o.ManagedBits;
        ManagedChangedWhileOffline = o.ManagedChangedWhileOffline;
        AvailableDrift = o.AvailableDrift;
    }

    internal void Hash(ref StateHasher h)
    {
        h.Add(Available);
        h.Add(Allocated);
        h.Add(Managed);
        h.Add(ManagedAllocated);
        h.Add(Initialized);
        h.Add(Online);
        AllocBits.Hash(ref h);
        ManagedBits.Hash(ref h);
        h.Add(ManagedChangedWhileOffline);
        h.Add(AvailableDrift);
    }
}
