using System.Numerics;

namespace IrqVerify.Model.Core;

/// <summary>
/// A cpumask for up to 64 CPUs (vCPUs in the Xen part). Immutable value; iteration is in
/// ascending CPU order, which is the kernel's "mask order" for tie-breaking.
/// </summary>
public readonly record struct CpuMask(ulong Bits)
{
    public const int MaxCpus = 64;
    public static readonly CpuMask Empty = new(0);

    public static CpuMask Of(int cpu) => new(1UL << cpu);

    public static CpuMask FirstN(int n) => new(n >= 64 ? ulong.MaxValue : (1UL << n) - 1);

    public static CpuMask Of(params int[] cpus)
    {
        ulong b = 0;
        foreach (int c in cpus) b |= 1UL << c;
        return new(b);
    }

    public bool IsEmpty => Bits == 0;
    public int Count => BitOperations.PopCount(Bits);
    public bool Contains(int cpu) => cpu is >= 0 and < MaxCpus && (Bits >> cpu & 1) != 0;
    public int First => Bits == 0 ? -1 : BitOperations.TrailingZeroCount(Bits);
    public int Last => Bits == 0 ? -1 : 63 - BitOperations.LeadingZeroCount(Bits);

    public CpuMask With(int cpu) => new(Bits | 1UL << cpu);
    public CpuMask Without(int cpu) => new(Bits & ~(1UL << cpu));
    public CpuMask And(CpuMask o) => new(Bits & o.Bits);
    public CpuMask Or(CpuMask o) => new(Bits | o.Bits);
    public CpuMask AndNot(CpuMask o) => new(Bits & ~o.Bits);
    public bool IsSubsetOf(CpuMask o) => (Bits & ~o.Bits) == 0;

    /// <summary>CPUs in ascending order; allocation-free.</summary>
    public Enumerator GetEnumerator() => new(Bits);

    public struct Enumerator(ulong bits)
    {
        private ulong _rest = bits;
        public int Current { get; private set; } = -1;

        public bool MoveNext()
        {
            if (_rest == 0) return false;
            Current = BitOperations.TrailingZeroCount(_rest);
            _rest &= _rest - 1;
            return true;
        }
    }

    /// <summary>Program syntax: "{0-2,5}"; "{}" is the empty mask.</summary>
    public override string ToString()
    {
        var cpus = new List<int>();
        foreach (int c in this) cpus.Add(c);
        return "{" + BitList.Format(cpus) + "}";
    }

    /// <summary>Parses "{0-2,5}" (braces optional). Returns false on malformed text or a CPU ≥ 64.</summary>
    public static bool TryParse(string text, out CpuMask mask)
    {
        mask = Empty;
        string t = text.Trim();
        if (t.StartsWith('{') && t.EndsWith('}')) t = t[1..^1];
        if (t.Trim().Length == 0) return true;
        ulong bits = 0;
        foreach (string part in t.Split(','))
        {
            string p = part.Trim();
            int dash = p.IndexOf('-');
            if (dash < 0)
            {
                if (!int.TryParse(p, out int c) || c is < 0 or >= MaxCpus) return false;
                bits |= 1UL << c;
            }
            else
            {
                if (!int.TryParse(p[..dash], out int a) || !int.TryParse(p[(dash + 1)..], out int b)) return false;
                if (a < 0 || b >= MaxCpus || a > b) return false;
                for (int c = a; c <= b; c++) bits |= 1UL << c;
            }
        }
        mask = new CpuMask(bits);
        return true;
    }
}
