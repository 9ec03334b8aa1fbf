using System.Globalization;
using System.Text;

namespace IrqVerify.Report;

/// <summary>
/// Draws a <see cref="Timeline"/> as inline SVG: one horizontal lane per entry of
/// <see cref="Timeline.Lanes"/> (in that order), each step a box in its lane at the x position of
/// its order, a thin path joining consecutive steps (the interleaving), and the violating step
/// filled red. Each step group carries a &lt;title&gt; (lane, label, effects, vector/port state)
/// that the browser shows natively and the page's script shows as a richer tooltip.
/// </summary>
internal static class TimelineSvg
{
    public const int LabelWidth = 120;
    public const int BoxWidth = 150;
    public const int BoxHeight = 40;
    public const int Gap = 10;
    public const int LaneHeight = 56;
    public const int Top = 24;
    private const int CharsPerLine = 23;

    private static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>The SVG element; <paramref name="idPrefix"/> makes the step ids unique in the page.</summary>
    public static string Render(Timeline t, string idPrefix)
    {
        int n = t.Steps.Count;
        int width = LabelWidth + Math.Max(n, 1) * (BoxWidth + Gap) + Gap;
        int height = Top + Math.Max(t.Lanes.Count, 1) * LaneHeight + 8;
        var laneIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < t.Lanes.Count; i++) laneIndex.TryAdd(t.Lanes[i], i);

        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"per-CPU timeline\">\n");
        for (int i = 0; i < t.Lanes.Count; i++)
        {
            int y = Top + i * LaneHeight;
            sb.Append($"<g class=\"lane\" data-lane=\"{Html.Esc(t.Lanes[i])}\">");
            sb.Append($"<rect class=\"lane-bg{(i % 2 == 1 ? " odd" : "")}\" x=\"0\" y=\"{y}\" width=\"{width}\" height=\"{LaneHeight}\"/>");
            sb.Append("</g>\n");
        }
        for (int k = 0; k < n; k++)
            sb.Append($"<text class=\"step-no\" x=\"{N(X(k) + BoxWidth / 2.0)}\" y=\"16\">{k + 1}</text>");
        sb.Append('\n');

        // The interleaving: a path through the steps' centres, in order.
        if (n > 1)
        {
            sb.Append("<path class=\"flow\" d=\"");
            for (int k = 0; k < n; k++)
            {
                double cx = X(k) + BoxWidth / 2.0, cy = Y(laneIndex, t.Steps[k].Lane) + BoxHeight / 2.0;
                sb.Append(k == 0 ? "M" : " L").Append(N(cx)).Append(' ').Append(N(cy));
            }
            sb.Append("\"/>\n");
        }

        for (int k = 0; k < n; k++)
        {
            var s = t.Steps[k];
            double x = X(k), y = Y(laneIndex, s.Lane);
            string cls = s.Violating ? "step violating" : "step";
            sb.Append($"<g class=\"{cls}\" id=\"{idPrefix}-step-{s.Index}\" data-step=\"{s.Index}\" data-lane=\"{Html.Esc(s.Lane)}\">");
            sb.Append("<title>").Append(Html.Esc(TitleText(s))).Append("</title>");
            sb.Append($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"5\"/>");
            var (l1, l2) = Wrap(s.Label);
            sb.Append($"<text x=\"{N(x + 6)}\" y=\"{N(y + 16)}\">{Html.Esc(l1)}</text>");
            if (l2.Length > 0) sb.Append($"<text x=\"{N(x + 6)}\" y=\"{N(y + 31)}\">{Html.Esc(l2)}</text>");
            sb.Append("</g>\n");
        }
        // Lane names last (drawn on top, on their own background): the page's script shifts this
        // group with the horizontal scroll so the names stay visible.
        sb.Append("<g class=\"lane-labels\">");
        for (int i = 0; i < t.Lanes.Count; i++)
        {
            int y = Top + i * LaneHeight;
            sb.Append($"<rect class=\"lane-head{(i % 2 == 1 ? " odd" : "")}\" x=\"0\" y=\"{y}\" width=\"{LabelWidth - 4}\" height=\"{LaneHeight}\"/>");
            sb.Append($"<text class=\"lane-label\" data-lane=\"{Html.Esc(t.Lanes[i])}\" x=\"10\" y=\"{N(y + LaneHeight / 2.0 + 4)}\">{Html.Esc(t.Lanes[i])}</text>");
        }
        sb.Append("</g>\n</svg>");
        return sb.ToString();
    }

    private static double X(int order) => LabelWidth + Gap + order * (BoxWidth + Gap);

    /// <summary>A step whose lane is not listed goes to the last lane (the builders never do that).</summary>
    private static double Y(Dictionary<string, int> lanes, string lane) =>
        Top + (lanes.TryGetValue(lane, out int i) ? i : Math.Max(lanes.Count - 1, 0)) * LaneHeight + (LaneHeight - BoxHeight) / 2.0;

    internal static string TitleText(TimelineStep s)
    {
        var head = $"step {s.Index} [{s.Lane}] {s.Label}{(s.Violating ? "  <-- VIOLATION" : "")}";
        return s.Detail.Length == 0 ? head : head + "\n" + s.Detail;
    }

    /// <summary>Two lines of at most <see cref="CharsPerLine"/> characters, broken after a '.', '_'
    /// or space where possible; the rest is elided (the tooltip has the full text).</summary>
    internal static (string, string) Wrap(string label)
    {
        if (label.Length <= CharsPerLine) return (label, "");
        int cut = -1;
        for (int i = Math.Min(CharsPerLine, label.Length - 1); i > CharsPerLine / 2; i--)
            if (label[i - 1] is '.' or '_' or ' ' or ':' or '>') { cut = i; break; }
        if (cut < 0) cut = CharsPerLine;
        string a = label[..cut].TrimEnd(), b = label[cut..].TrimStart();
        if (b.Length > CharsPerLine) b = b[..(CharsPerLine - 1)] + "…";
        return (a, b);
    }
}
