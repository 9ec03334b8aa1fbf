using System.Numerics;
using System.Runtime.CompilerServices;

namespace IrqVerify.Model.Core;

/// <summary>
/// A 256-bit bitmap (one bit per x86 vector, or per 2L event word slot), stored inline so the
/// matrix and per-CPU state stay allocation-free and cheap to copy.
/// Requires: every bit index is in [0, 256). Mutate only through a field or a ref, never a copy.
/// </summary>
public struct Bitmap256 : IEquatable<Bitmap256>
{
    public const int Bits = 256;
    private ulong _w0, _w1, _w2, _w3;

    public readonly bool Test(int bit) => (Word(bit >> 6) >> (bit & 63) & 1UL) != 0;

    public void Set(int bit) => SetWord(bit >> 6, Word(bit >> 6) | 1UL << (bit & 63));

    public void Clear(int bit) => SetWord(bit >> 6, Word(bit >> 6) & ~(1UL << (bit & 63)));

    public readonly int PopCount =>
        BitOperations.PopCount(_w0) + BitOperations.PopCount(_w1) +
        BitOperations.PopCount(_w2) + BitOperations.PopCount(_w3);

    public readonly bool IsEmpty => (_w0 | _w1 | _w2 | _w3) == 0;

    // The four words are consecutive fields of a sequential struct: index them instead of switching
    // (Test/Set/Clear run on every matrix allocation).
    public readonly ulong Word(int i)
    {
        if ((uint)i > 3) throw new ArgumentOutOfRangeException(nameof(i));
        return Unsafe.Add(ref Unsafe.AsRef(in _w0), i);
    }

    public void SetWord(int i, ulong value)
    {
        if ((uint)i > 3) throw new ArgumentOutOfRangeException(nameof(i));
        Unsafe.Add(ref _w0, i) = value;
    }

    public static Bitmap256 operator |(Bitmap256 a, Bitmap256 b) =>
        new() { _w0 = a._w0 | b._w0, _w1 = a._w1 | b._w1, _w2 = a._w2 | b._w2, _w3 = a._w3 | b._w3 };

    public static Bitmap256 operator &(Bitmap256 a, Bitmap256 b) =>
        new() { _w0 = a._w0 & b._w0, _w1 = a._w1 & b._w1, _w2 = a._w2 & b._w2, _w3 = a._w3 & b._w3 };

    public static Bitmap256 operator ~(Bitmap256 a) =>
        new() { _w0 = ~a._w0, _w1 = ~a._w1, _w2 = ~a._w2, _w3 = ~a._w3 };

    /// <summary>Bits [start, end) set.</summary>
    public static Bitmap256 Range(int start, int end)
    {
        var b = new Bitmap256();
        for (int i = start; i < end; i++) b.Set(i);
        return b;
    }

    /// <summary>Lowest set bit at or after <paramref name="from"/>, or -1.</summary>
    public readonly int NextSet(int from)
    {
        for (int i = from; i < Bits; i++)
        {
            ulong w = Word(i >> 6) >> (i & 63);
            if (w == 0) { i = (i | 63); continue; }
            return i + BitOperations.TrailingZeroCount(w);
        }
        return -1;
    }

    /// <summary>Highest set bit below <paramref name="below"/>, or -1 (x86 delivers the highest pending vector first).</summary>
    public readonly int HighestSet(int below = Bits)
    {
        for (int i = below - 1; i >= 0; i--)
            if (Test(i)) return i;
        return -1;
    }

    /// <summary>
    /// bitmap_find_next_zero_area with align mask 0: the lowest run of <paramref name="num"/> clear bits
    /// starting at or after <paramref name="start"/> and ending at or before <paramref name="end"/>.
    /// With <paramref name="alignLog2"/> &gt; 0 the run's start is also a multiple of 2^alignLog2.
    /// Returns the start bit, or a value &gt;= end when there is none (as the kernel does).
    /// </summary>
    public readonly int FindNextZeroArea(int start, int end, int num, int alignLog2 = 0)
    {
        if (num == 1 && alignLog2 == 0)
        {
            // The common single-slot case: the lowest clear bit, a word at a time.
            if (start < 0 || start >= end) return end;
            int z = (~this).NextSet(start);
            return z >= 0 && z < end ? z : end;
        }
        int align = 1 << alignLog2;
        int s = (start + align - 1) & ~(align - 1);
        while (s + num <= end)
        {
            int i = 0;
            while (i < num && !Test(s + i)) i++;
            if (i == num) return s;
            s = ((s + i + 1) + align - 1) & ~(align - 1);
        }
        return end;
    }

    public readonly IEnumerable<int> SetBits()
    {
        for (int i = NextSet(0); i >= 0; i = i + 1 < Bits ? NextSet(i + 1) : -1)
            yield return i;
    }

    public readonly bool Equals(Bitmap256 other) =>
        _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    public override readonly bool Equals(object? obj) => obj is Bitmap256 b && Equals(b);

    public override readonly int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    public static bool operator ==(Bitmap256 a, Bitmap256 b) => a.Equals(b);

    public static bool operator !=(Bitmap256 a, Bitmap256 b) => !a.Equals(b);

    /// <summary>Kernel bitmap list style: "0x20-0x22,0x80".</summary>
    public override readonly string ToString() => BitList.Format(SetBits(), hex: true);

    public readonly void Hash(ref StateHasher h) { h.Add(_w0); h.Add(_w1); h.Add(_w2); h.Add(_w3); }
}
