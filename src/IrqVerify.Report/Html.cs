using System.Globalization;
using System.Text;

namespace IrqVerify.Report;

/// <summary>Escaping and formatting shared by the HTML and SVG writers. Output is also well-formed
/// XML (every element closed, every attribute quoted, text escaped), so tests can parse it.</summary>
internal static class Html
{
    /// <summary>Escapes text for element content and double-quoted attributes.</summary>
    public static string Esc(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        var sb = new StringBuilder(s.Length + 16);
        foreach (char c in s)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                // Control characters other than tab/newline are not allowed in XML 1.0 text.
                case < ' ' when c is not ('\n' or '\t' or '\r'): sb.Append('\uFFFD'); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    public static string Duration(TimeSpan t) =>
        t.TotalSeconds >= 100 ? t.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s"
        : t.TotalSeconds >= 1 ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    public static string Int(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A DOM id made of [a-z0-9-] only.</summary>
    public static string Id(string prefix, int index) => $"{prefix}-{index.ToString(CultureInfo.InvariantCulture)}";
}
