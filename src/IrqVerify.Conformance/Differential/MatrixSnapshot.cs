using System.Globalization;
using System.Text;
using IrqVerify.Model.Core;

namespace IrqVerify.Conformance.Differential;

/// <summary>
/// The complete matrix state both sides expose, in the kernel's types (unsigned counters): every
/// global counter, the system map, and per CPU the four counters, the two flags and both bitmaps.
/// </summary>
public sealed class MatrixSnapshot
{
    public uint GlobalAvailable, GlobalReserved, SystemBitsInAlloc, TotalAllocated, OnlineMaps;
    public Bitmap256 SystemMap;
    public CpuRow[] Cpus = [];

    public struct CpuRow
    {
        public uint Available, Allocated, Managed, ManagedAllocated;
        public bool Initialized, Online;
        public Bitmap256 AllocMap, ManagedMap;
    }

    /// <summary>Every field equal (the fast check run after each call; <see cref="Differences"/> names them).</summary>
    public bool SameAs(MatrixSnapshot o)
    {
        if (GlobalAvailable != o.GlobalAvailable || GlobalReserved != o.GlobalReserved || SystemBitsInAlloc != o.SystemBitsInAlloc
            || TotalAllocated != o.TotalAllocated || OnlineMaps != o.OnlineMaps || SystemMap != o.SystemMap || Cpus.Length != o.Cpus.Length)
            return false;
        for (int c = 0; c < Cpus.Length; c++)
        {
            ref readonly var a = ref Cpus[c];
            ref readonly var b = ref o.Cpus[c];
            if (a.Available != b.Available || a.Allocated != b.Allocated || a.Managed != b.Managed || a.ManagedAllocated != b.ManagedAllocated
                || a.Initialized != b.Initialized || a.Online != b.Online || a.AllocMap != b.AllocMap || a.ManagedMap != b.ManagedMap)
                return false;
        }
        return true;
    }

    /// <summary>(field, this value, other value) for every field that differs, in display order.</summary>
    public List<(string Field, string Mine, string Other)> Differences(MatrixSnapshot o)
    {
        var d = new List<(string, string, string)>();
        foreach (var (name, a, b) in Rows(this).Zip(Rows(o), (x, y) => (x.Field, x.Value, y.Value)))
            if (a != b) d.Add((name, a, b));
        return d;
    }

    /// <summary>Both states side by side, differing rows marked with "≠".</summary>
    public static string SideBySide(MatrixSnapshot kernel, MatrixSnapshot model)
    {
        var left = Rows(kernel).ToList();
        var right = Rows(model).ToList();
        int w0 = Math.Max(left.Max(r => r.Field.Length), 5);
        int w1 = Math.Max(left.Max(r => r.Value.Length), 6);
        var sb = new StringBuilder();
        sb.Append(string.Format(CultureInfo.InvariantCulture, "    {0} | {1} | {2}\n", "field".PadRight(w0), "kernel".PadRight(w1), "model"));
        for (int i = 0; i < left.Count; i++)
        {
            string mark = left[i].Value == right[i].Value ? "  " : "≠ ";
            sb.Append(string.Format(CultureInfo.InvariantCulture, "  {0}{1} | {2} | {3}\n", mark, left[i].Field.PadRight(w0), left[i].Value.PadRight(w1), right[i].Value));
        }
        return sb.ToString();
    }

    private static IEnumerable<(string Field, string Value)> Rows(MatrixSnapshot s)
    {
        yield return ("online_maps", U(s.OnlineMaps));
        yield return ("global_available", U(s.GlobalAvailable));
        yield return ("global_reserved", U(s.GlobalReserved));
        yield return ("systembits_inalloc", U(s.SystemBitsInAlloc));
        yield return ("total_allocated", U(s.TotalAllocated));
        yield return ("system_map", Bits(s.SystemMap));
        for (int c = 0; c < s.Cpus.Length; c++)
        {
            var r = s.Cpus[c];
            string p = $"CPU{c}.";
            yield return (p + "online", r.Online ? "1" : "0");
            yield return (p + "initialized", r.Initialized ? "1" : "0");
            yield return (p + "available", U(r.Available));
            yield return (p + "allocated", U(r.Allocated));
            yield return (p + "managed", U(r.Managed));
            yield return (p + "managed_allocated", U(r.ManagedAllocated));
            yield return (p + "alloc_map", Bits(r.AllocMap));
            yield return (p + "managed_map", Bits(r.ManagedMap));
        }
    }

    private static string U(uint v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Bits(Bitmap256 b) => b.IsEmpty ? "-" : BitList.Format(b.SetBits());
}
