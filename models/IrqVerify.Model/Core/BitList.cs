using System.Text;

namespace IrqVerify.Model.Core;

/// <summary>Formats ascending bit indices as a kernel-style list with ranges ("0-3,5").</summary>
public static class BitList
{
    public static string Format(IEnumerable<int> ascending, bool hex = false)
    {
        var sb = new StringBuilder();
        int runStart = -2, prev = -2;
        foreach (int b in ascending)
        {
            if (b == prev + 1) { prev = b; continue; }
            Flush(sb, runStart, prev, hex);
            runStart = prev = b;
        }
        Flush(sb, runStart, prev, hex);
        return sb.ToString();
    }

    private static void Flush(StringBuilder sb, int start, int end, bool hex)
    {
        if (start < 0) return;
        if (sb.Length > 0) sb.Append(',');
        sb.Append(Num(start, hex));
        if (end > start) sb.Append('-').Append(Num(end, hex));
    }

    private static string Num(int v, bool hex) => hex ? $"0x{v:x}" : v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
