using System.Globalization;
using System.Text.RegularExpressions;

namespace IrqVerify.Traces.Format;

/// <summary>
/// Parses ftrace's text output (/sys/kernel/tracing/trace) with the recorder's "# key: value"
/// header. Lines starting with '#' are comments; every other non-empty line must be an event line.
/// Events the checker replays must carry all their fields as integers; anything else is a
/// <see cref="TraceFormatException"/> naming file and line.
/// </summary>
public static partial class TraceParser
{
    /// <summary>Prefix of the recorder's trace_marker lines (affinity the workload set, ...).</summary>
    public const string MarkerPrefix = "irqverify";

    // "<task>-<pid> [<cpu>] <flags> <ts>: <event>: <payload>"; the flags column is optional
    // (options/irq-info off) and the task name may itself contain '-' and spaces.
    [GeneratedRegex(@"^\s*(?<task>.+?)-(?<pid>\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(?<cpu>\d+)\]\s+(?:(?<flags>[^\s:]{4,6})\s+)?(?<ts>\d+\.\d+):\s+(?<event>\w+):\s?(?<rest>.*)$")]
    private static partial Regex EventLine();

    [GeneratedRegex(@"(?<key>\w+)=(?<value>[^\s,]*),?")]
    private static partial Regex Field();

    [GeneratedRegex(@"#P:(?<n>\d+)")]
    private static partial Regex FtraceCpus();

    public static TraceFile ParseFile(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (IOException e) { throw new TraceFormatException(path, 0, "cannot read: " + e.Message); }
        catch (UnauthorizedAccessException e) { throw new TraceFormatException(path, 0, "cannot read: " + e.Message); }
        return Parse(path, lines);
    }

    public static TraceFile Parse(string path, IReadOnlyList<string> lines)
    {
        string? kernel = null;
        int cpus = 0, ftraceCpus = 0, bits = 256, start = 0x20, end = 0xeb, ignored = 0;
        var events = new List<TraceEvent>();
        for (int i = 0; i < lines.Count; i++)
        {
            int no = i + 1;
            string line = lines[i];
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (line.TrimStart().StartsWith('#'))
            {
                string c = line.TrimStart()[1..].Trim();
                if (c.StartsWith("kernel:", StringComparison.Ordinal)) kernel = c["kernel:".Length..].Trim();
                else if (c.StartsWith("cpus:", StringComparison.Ordinal)) cpus = Int(path, no, "cpus", c["cpus:".Length..].Trim());
                else if (c.StartsWith("matrix:", StringComparison.Ordinal)) (bits, start, end) = Geometry(path, no, c["matrix:".Length..]);
                var p = FtraceCpus().Match(c);
                if (p.Success) ftraceCpus = Int(path, no, "#P", p.Groups["n"].Value);
                continue;
            }
            var m = EventLine().Match(line);
            if (!m.Success) throw new TraceFormatException(path, no, "not an ftrace event line: " + Shorten(line));
            string name = m.Groups["event"].Value;
            string rest = m.Groups["rest"].Value;
            bool marker = name == "tracing_mark_write" && rest.StartsWith(MarkerPrefix, StringComparison.Ordinal);
            if (!marker && !EventSchema.IsKnown(name)) { ignored++; continue; }
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            if (marker)
            {
                // The recorder's own lines: "irqverify affinity irq=34 cpus=0,1" (lists keep their commas).
                foreach (var tok in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    if (tok.IndexOf('=') is int eq and > 0) fields[tok[..eq]] = tok[(eq + 1)..];
            }
            else foreach (Match f in Field().Matches(rest)) fields[f.Groups["key"].Value] = f.Groups["value"].Value;
            if (!marker)
            {
                foreach (var key in EventSchema.Fields(name))
                {
                    if (!fields.TryGetValue(key, out var v)) throw new TraceFormatException(path, no, $"{name}: missing field '{key}'");
                    if (!TryInt(v, out _)) throw new TraceFormatException(path, no, $"{name}: field '{key}' is not an integer: '{v}'");
                }
            }
            int cpu = Int(path, no, "cpu column", m.Groups["cpu"].Value);
            events.Add(new TraceEvent(no, m.Groups["task"].Value.Trim(), cpu, m.Groups["ts"].Value, name, fields, line) { Payload = rest });
        }
        int n = cpus > 0 ? cpus : ftraceCpus;
        if (n <= 0) throw new TraceFormatException(path, 1, "CPU count unknown: no '# cpus: N' header and no ftrace '#P:N'");
        if (n > 64) throw new TraceFormatException(path, 1, $"{n} CPUs: the model handles at most 64");
        foreach (var e in events)
        {
            if (e.Cpu >= n) throw new TraceFormatException(path, e.Line, $"CPU column {e.Cpu} but the trace has {n} CPUs");
            if (!EventSchema.IsKnown(e.Name)) continue;
            if (e.Fields.TryGetValue("cpu", out var c) && TryInt(c, out long cv) && (cv < 0 || cv >= n))
                throw new TraceFormatException(path, e.Line, $"cpu={cv} but the trace has {n} CPUs");
            if (EventSchema.IsMatrix(e.Name) && e.Fields.TryGetValue("bit", out var b) && TryInt(b, out long bv) && (bv < 0 || bv >= bits))
                throw new TraceFormatException(path, e.Line, $"bit={bv} lies outside the matrix of {bits} bits");
        }
        return new TraceFile { Path = path, Kernel = kernel, Cpus = n, MatrixBits = bits, AllocStart = start, AllocEnd = end, Events = events, Ignored = ignored };
    }

    /// <summary>"bits=256 window=0x20-0xeb".</summary>
    private static (int Bits, int Start, int End) Geometry(string path, int no, string text)
    {
        int bits = 256, start = 0x20, end = 0xeb;
        foreach (Match f in Field().Matches(text))
        {
            string v = f.Groups["value"].Value;
            switch (f.Groups["key"].Value)
            {
                case "bits": bits = Int(path, no, "bits", v); break;
                case "window":
                    var parts = v.Split('-');
                    if (parts.Length != 2) throw new TraceFormatException(path, no, $"matrix window '{v}': expected START-END");
                    start = Int(path, no, "window start", parts[0]);
                    end = Int(path, no, "window end", parts[1]);
                    break;
            }
        }
        if (bits is < 1 or > 256 || start < 0 || end > bits || start >= end)
            throw new TraceFormatException(path, no, $"matrix geometry bits={bits} window=0x{start:x}-0x{end:x} is not valid");
        return (bits, start, end);
    }

    internal static bool TryInt(string s, out long v)
    {
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return long.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out v);
        return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v);
    }

    private static int Int(string path, int no, string what, string s)
    {
        if (TryInt(s.Trim(), out long v) && v is >= int.MinValue and <= int.MaxValue) return (int)v;
        throw new TraceFormatException(path, no, $"{what}: not an integer: '{s}'");
    }

    private static string Shorten(string s) => s.Length <= 80 ? s.Trim() : s.Trim()[..77] + "...";
}
