using System.Numerics;
using IrqVerify.Model.Core;

namespace IrqVerify.Model.Pci;

/// <summary>One interrupt-remapping table entry: allocation, owner, and the (cpu, vector) it sends to.</summary>
public struct Irte
{
    public bool Allocated;
    /// <summary>Programmed (present bit): set by activation, cleared by deactivation.</summary>
    public bool Present;
    public int Device;
    /// <summary>The Linux irq using this entry; 0 for the unused tail of a rounded-up block.</summary>
    public int Irq;
    public int Cpu;
    public int Vector;
}

/// <summary>
/// The interrupt-remapping table (Intel VT-d IRTEs / AMD IRT). alloc_irte rounds a multi-vector
/// request up to a power of two and takes a NATURALLY ALIGNED free block
/// (bitmap_find_free_region), because a multi-MSI function modifies the low MME bits of the
/// programmed index (I-P3). The K7 variant reproduces the pre-fix AMD allocator: first fit at any
/// start.
/// </summary>
public sealed class IrteTable(int entries, ChangeEpoch epoch)
{
    public TrackedArray<Irte> Entries { get; } = new(entries, epoch);

    public int Count => Entries.Length;

    public static int RoundUpPow2(int n) => n <= 1 ? 1 : (int)BitOperations.RoundUpToPowerOf2((uint)n);

    /// <summary>
    /// Allocates a block of roundup_pow_of_two(<paramref name="count"/>) entries for a device.
    /// Requires count ≥ 1. Returns the base index, or -1 (-ENOSPC) when no block fits.
    /// </summary>
    public int AllocBlock(int count, int device, bool unaligned)
    {
        int size = RoundUpPow2(count);
        int step = unaligned ? 1 : size;
        for (int b = 0; b + size <= Entries.Length; b += step)
        {
            bool free = true;
            for (int i = 0; i < size && free; i++) free = !Entries[b + i].Allocated;
            if (!free) continue;
            for (int i = 0; i < size; i++) Entries[b + i] = new Irte { Allocated = true, Device = device };
            return b;
        }
        return -1;
    }

    /// <summary>free_irte: releases the whole block that was allocated (I-P4).</summary>
    public void FreeBlock(int baseIndex, int size)
    {
        for (int i = 0; i < size; i++) Entries[baseIndex + i] = default;
    }

    public void Hash(ref StateHasher h)
    {
        for (int i = 0; i < Entries.Length; i++)
        {
            var e = Entries[i];
            if (!e.Allocated) continue;
            h.Add(i); h.Add(e.Present); h.Add(e.Device); h.Add(e.Irq); h.Add(e.Cpu); h.Add(e.Vector);
        }
    }

    public void Dump(TextWriter w)
    {
        w.WriteLine("IRTE table:");
        for (int i = 0; i < Entries.Length; i++)
        {
            var e = Entries[i];
            if (!e.Allocated) continue;
            w.WriteLine($"  {i,5}: dev{e.Device} irq {e.Irq} {(e.Present ? $"-> cpu{e.Cpu}/0x{e.Vector:x2}" : "not present")}");
        }
    }
}
