namespace IrqVerify.Fuzz;

/// <summary>
/// Byte- and program-level mutations. Program-level ones work on the decoded step boundaries
/// (a call with its argument bytes, or a whole parallel group): delete, duplicate, swap, splice in
/// a step of another corpus entry, insert a fresh random call, wrap steps into a parallel group.
/// Because resources are chosen by index into the live set, the result is still well typed.
/// </summary>
public sealed class Mutator(OpTable table, bool groups, int maxLen = 256)
{
    private readonly List<int> _chunks = new();
    private static readonly byte[] Interesting = [0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 0x7F, 0x80, 0xBF, 0xC0, 0xEF, 0xF0, 0xF1, 0xF7, 0xF8, 0xFF];

    public byte[] Mutate(byte[] parent, byte[]? other, ref Rng rng)
    {
        var cur = new List<byte>(parent);
        int rounds = 1 + rng.Below(4);
        for (int i = 0; i < rounds; i++)
        {
            if (rng.OneIn(2)) ProgramLevel(cur, other, ref rng);
            else ByteLevel(cur, ref rng);
        }
        if (cur.Count > maxLen) cur.RemoveRange(maxLen, cur.Count - maxLen);
        return cur.ToArray();
    }

    private static void ByteLevel(List<byte> d, ref Rng rng)
    {
        if (d.Count == 0) { d.Add(rng.Byte()); return; }
        int pos = rng.Below(d.Count);
        switch (rng.Below(7))
        {
            case 0: d[pos] ^= (byte)(1 << rng.Below(8)); break;
            case 1: d[pos] = rng.Byte(); break;
            case 2: d[pos] = Interesting[rng.Below(Interesting.Length)]; break;
            case 3: d[pos] = (byte)(d[pos] + 1 + rng.Below(8) * (rng.OneIn(2) ? 1 : -1)); break;
            case 4:
            {
                int n = 1 + rng.Below(8);
                for (int k = 0; k < n; k++) d.Insert(pos, rng.Byte());
                break;
            }
            case 5: d.RemoveRange(pos, Math.Min(d.Count - pos, 1 + rng.Below(4))); break;
            default:
            {
                int n = Math.Min(d.Count - pos, 1 + rng.Below(4));
                for (int k = 0; k < n; k++) d[pos + k] = rng.Byte();
                break;
            }
        }
    }

    private void ProgramLevel(List<byte> d, byte[]? other, ref Rng rng)
    {
        ByteFormat.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(d), table, groups, _chunks);
        int steps = _chunks.Count - 1;
        int kind = rng.Below(6);
        if (steps == 0) kind = 4;
        switch (kind)
        {
            case 0: // delete a step
            {
                int s = rng.Below(steps);
                int a = _chunks[s], b = Math.Min(_chunks[s + 1], d.Count);
                d.RemoveRange(a, b - a);
                break;
            }
            case 1: // duplicate a step to a random step boundary
            {
                var chunk = Slice(d, rng.Below(steps));
                d.InsertRange(Math.Min(_chunks[rng.Below(steps + 1)], d.Count), chunk);
                break;
            }
            case 2: // swap two steps
            {
                int s = rng.Below(steps), t = rng.Below(steps);
                if (s == t) break;
                if (s > t) (s, t) = (t, s);
                var first = Slice(d, s);
                var second = Slice(d, t);
                int ta = _chunks[t];
                d.RemoveRange(ta, second.Count);
                d.InsertRange(ta, first);
                int sa = _chunks[s];
                d.RemoveRange(sa, first.Count);
                d.InsertRange(sa, second);
                break;
            }
            case 3 when other is { Length: > 0 }: // splice a step of another input
            {
                var oc = new List<int>();
                ByteFormat.Decode(other, table, groups, oc);
                if (oc.Count < 2) break;
                int s = rng.Below(oc.Count - 1);
                int a = oc[s], b = Math.Min(oc[s + 1], other.Length);
                d.InsertRange(Math.Min(_chunks[rng.Below(steps + 1)], d.Count), other[a..b]);
                break;
            }
            case 5 when groups && steps >= 2: // make the calls at a boundary run in parallel
            {
                int s = rng.Below(steps);
                int at = Math.Min(_chunks[s], d.Count);
                int len = rng.Below(12);
                var head = new List<byte> { (byte)(ByteFormat.FirstControl | rng.Below(2)), (byte)len };
                for (int k = 0; k < len; k++) head.Add((byte)rng.Below(3));
                d.InsertRange(at, head);
                break;
            }
            default: // a fresh random call
            {
                int at = steps == 0 ? d.Count : Math.Min(_chunks[rng.Below(steps + 1)], d.Count);
                var call = new List<byte> { (byte)rng.Below(table.Ops.Length) };
                int n = 1 + rng.Below(4);
                for (int k = 0; k < n; k++) call.Add(rng.OneIn(2) ? (byte)rng.Below(8) : rng.Byte());
                d.InsertRange(at, call);
                break;
            }
        }
    }

    private List<byte> Slice(List<byte> d, int step)
    {
        int a = Math.Min(_chunks[step], d.Count), b = Math.Min(_chunks[step + 1], d.Count);
        return d.GetRange(a, b - a);
    }
}
