using IrqVerify.Model.Program;

namespace IrqVerify.Fuzz;

/// <summary>
/// Bytes → well-typed program, and back. Every byte string decodes to a valid program (a missing
/// byte reads as 0), so every input AFL or the mutator produces is meaningful:
/// <list type="bullet">
/// <item>selector byte b &lt; 0xF0: a call of operation <c>b mod |ops|</c>, then one byte per parameter;</item>
/// <item>b ≥ 0xF0 (when groups are on): a parallel group of <c>2 + (b&amp;1)</c> calls, then a schedule
/// length byte (mod 33), the schedule bytes (each mod the group size), then the calls;</item>
/// <item>Irq/Port parameter: byte &lt; 0xF8 picks a producer from the live set of that kind (index mod
/// its size); ≥ 0xF8, or an empty set, a literal from a small table of special numbers;</item>
/// <item>Int: 0x00–0xBF → 0..31, 0xC0–0xEF → 32..79, 0xF0–0xFF → special values (-1, 128, 255, ...);</item>
/// <item>Cpu: &lt; 0xF8 → b mod CPUs, else an invalid CPU number (CPUs + b − 0xF8);</item>
/// <item>Mask: one byte per 8 CPUs, masked to the valid CPUs (empty allowed); Device: b mod devices;
/// Word: b mod words; Flags: b masked to the words (0 becomes the first word).</item>
/// </list>
/// At most <see cref="MaxCalls"/> calls; trailing bytes are ignored.
/// </summary>
public static class ByteFormat
{
    public const int MaxCalls = 32;
    public const int FirstControl = 0xF0;
    public const int MaxGroup = 3;
    public const int MaxSchedule = 32;
    private const int FirstLiteral = 0xF8;

    public static readonly long[] SpecialInts = [-1, 128, 255, 256, 511, 1024, 2047, 2048, 4095, 4096, 65535, 65536, int.MaxValue, int.MinValue, -2, 100];
    public static readonly long[] SpecialIrqs = [-1, 0, 1, 9, 16, 17, 24, 63];
    public static readonly long[] SpecialPorts = [-1, 0, 1, 2, 3, 4, 63, 4095];

    /// <summary>Decodes; <paramref name="chunks"/> (optional) receives the byte offset where each
    /// top-level step (a call or a whole group) starts, plus the end offset, for splicing.</summary>
    public static FuzzProgram Decode(ReadOnlySpan<byte> data, OpTable t, bool groups = true, List<int>? chunks = null)
    {
        var p = new FuzzProgram();
        var r = new Reader(data);
        var irqs = new List<int>();
        var ports = new List<int>();
        chunks?.Clear();
        while (!r.AtEnd && p.Calls.Count < MaxCalls)
        {
            chunks?.Add(r.Pos);
            int b = r.Next();
            if (groups && b >= FirstControl && p.Calls.Count + 2 <= MaxCalls)
            {
                int n = Math.Min(2 + (b & 1), MaxCalls - p.Calls.Count);
                int len = r.Next() % (MaxSchedule + 1);
                var schedule = new int[len];
                for (int i = 0; i < len; i++) schedule[i] = r.Next() % n;
                p.Groups.Add(new FuzzGroup(p.Calls.Count, n, schedule));
                // Results of a group's calls become usable only after the whole group.
                int irqMark = irqs.Count, portMark = ports.Count;
                int first = p.Calls.Count;
                for (int i = 0; i < n; i++) p.Calls.Add(DecodeCall(ref r, r.Next() % t.Ops.Length, t, irqs, irqMark, ports, portMark));
                for (int i = first; i < p.Calls.Count; i++) NoteResult(t, p.Calls[i], i, irqs, ports);
                continue;
            }
            var call = DecodeCall(ref r, b % t.Ops.Length, t, irqs, irqs.Count, ports, ports.Count);
            p.Calls.Add(call);
            NoteResult(t, call, p.Calls.Count - 1, irqs, ports);
        }
        chunks?.Add(Math.Min(r.Pos, data.Length));
        return p;
    }

    private static void NoteResult(OpTable t, FuzzCall c, int index, List<int> irqs, List<int> ports)
    {
        var kind = t.Ops[c.Op].Result;
        if (kind == ResultKind.Irq) irqs.Add(index);
        else if (kind == ResultKind.Port) ports.Add(index);
    }

    private static FuzzCall DecodeCall(ref Reader r, int op, OpTable t, List<int> irqs, int irqLive, List<int> ports, int portLive)
    {
        var spec = t.Ops[op];
        var values = new long[spec.Params.Length];
        var refs = new int[spec.Params.Length];
        for (int a = 0; a < values.Length; a++)
        {
            refs[a] = -1;
            var p = spec.Params[a];
            switch (p.Kind)
            {
                case ArgKind.Irq:
                case ArgKind.Port:
                {
                    int b = r.Next();
                    var live = p.Kind == ArgKind.Irq ? irqs : ports;
                    int count = p.Kind == ArgKind.Irq ? irqLive : portLive;
                    if (b < FirstLiteral && count > 0) refs[a] = live[b % count];
                    else values[a] = (p.Kind == ArgKind.Irq ? SpecialIrqs : SpecialPorts)[b & 7];
                    break;
                }
                case ArgKind.Int:
                {
                    int b = r.Next();
                    values[a] = b < 0xC0 ? b & 31 : b < 0xF0 ? 32 + (b - 0xC0) : SpecialInts[b - 0xF0];
                    break;
                }
                case ArgKind.Cpu:
                {
                    int b = r.Next();
                    values[a] = b < FirstLiteral ? b % t.Cpus : t.Cpus + (b - FirstLiteral);
                    break;
                }
                case ArgKind.Mask:
                {
                    ulong bits = 0;
                    for (int k = 0; k < (t.Cpus + 7) / 8; k++) bits |= (ulong)r.Next() << (8 * k);
                    values[a] = (long)(bits & t.AllCpus);
                    break;
                }
                case ArgKind.Device:
                    values[a] = t.Machine.Devices.Count == 0 ? 0 : r.Next() % t.Machine.Devices.Count;
                    break;
                case ArgKind.Word:
                    values[a] = r.Next() % p.Words!.Length;
                    break;
                case ArgKind.Flags:
                {
                    long bits = r.Next() & ((1L << p.Words!.Length) - 1);
                    values[a] = bits == 0 ? 1 : bits;
                    break;
                }
            }
        }
        return new FuzzCall(op, values, refs);
    }

    /// <summary>
    /// Encodes a program so that <see cref="Decode"/> gives it back. Returns null when a value has
    /// no byte form (an Int outside the table, an invalid CPU beyond 8 past the last, a literal irq/port
    /// not in the table, a reference to a call that is not a live producer of that kind).
    /// </summary>
    public static byte[]? Encode(FuzzProgram p, OpTable t)
    {
        var o = new List<byte>();
        var irqs = new List<int>();
        var ports = new List<int>();
        if (p.Calls.Count > MaxCalls) return null;
        for (int i = 0; i < p.Calls.Count;)
        {
            var g = p.GroupOf(i);
            if (g is not null)
            {
                if (g.First != i || g.Count < 2 || g.Count > MaxGroup || g.Schedule.Length > MaxSchedule) return null;
                o.Add((byte)(FirstControl | (g.Count - 2)));
                o.Add((byte)g.Schedule.Length);
                foreach (int s in g.Schedule) o.Add((byte)s);
                int irqMark = irqs.Count, portMark = ports.Count;
                for (int k = 0; k < g.Count; k++)
                    if (!EncodeCall(o, p.Calls[i + k], t, irqs, irqMark, ports, portMark)) return null;
                for (int k = 0; k < g.Count; k++) NoteResult(t, p.Calls[i + k], i + k, irqs, ports);
                i += g.Count;
                continue;
            }
            if (!EncodeCall(o, p.Calls[i], t, irqs, irqs.Count, ports, ports.Count)) return null;
            NoteResult(t, p.Calls[i], i, irqs, ports);
            i++;
        }
        return o.ToArray();
    }

    private static bool EncodeCall(List<byte> o, FuzzCall c, OpTable t, List<int> irqs, int irqLive, List<int> ports, int portLive)
    {
        if (c.Op < 0 || c.Op >= t.Ops.Length) return false;
        o.Add((byte)c.Op);
        var spec = t.Ops[c.Op];
        for (int a = 0; a < spec.Params.Length; a++)
        {
            var p = spec.Params[a];
            long v = c.Values[a];
            switch (p.Kind)
            {
                case ArgKind.Irq:
                case ArgKind.Port:
                {
                    var live = p.Kind == ArgKind.Irq ? irqs : ports;
                    int count = p.Kind == ArgKind.Irq ? irqLive : portLive;
                    if (c.Refs[a] >= 0)
                    {
                        int idx = live.IndexOf(c.Refs[a]);
                        if (idx < 0 || idx >= count || idx >= FirstLiteral) return false;
                        o.Add((byte)idx);
                    }
                    else
                    {
                        int k = Array.IndexOf(p.Kind == ArgKind.Irq ? SpecialIrqs : SpecialPorts, v);
                        if (k < 0) return false;
                        o.Add((byte)(FirstLiteral + k));
                    }
                    break;
                }
                case ArgKind.Int:
                    if (v is >= 0 and < 32) o.Add((byte)v);
                    else if (v is >= 32 and < 80) o.Add((byte)(0xC0 + v - 32));
                    else
                    {
                        int k = Array.IndexOf(SpecialInts, v);
                        if (k < 0) return false;
                        o.Add((byte)(0xF0 + k));
                    }
                    break;
                case ArgKind.Cpu:
                    if (v >= 0 && v < t.Cpus) o.Add((byte)v);
                    else if (v >= t.Cpus && v < t.Cpus + 8) o.Add((byte)(FirstLiteral + v - t.Cpus));
                    else return false;
                    break;
                case ArgKind.Mask:
                    if (((ulong)v & ~t.AllCpus) != 0) return false;
                    for (int k = 0; k < (t.Cpus + 7) / 8; k++) o.Add((byte)((ulong)v >> (8 * k)));
                    break;
                case ArgKind.Device:
                case ArgKind.Word:
                    if (v < 0 || v > 255) return false;
                    o.Add((byte)v);
                    break;
                case ArgKind.Flags:
                    if (v <= 0 || v >= 1L << p.Words!.Length) return false;
                    o.Add((byte)v);
                    break;
            }
        }
        return true;
    }

    /// <summary>A cursor that reads 0 past the end (so every byte string decodes).</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        public int Pos;
        public readonly bool AtEnd => Pos >= _data.Length;
        public int Next() => Pos < _data.Length ? _data[Pos++] : (Pos++ & 0);
    }
}
