using IrqVerify.Model.Program;

namespace IrqVerify.Fuzz;

/// <summary>
/// syzkaller-style minimization of a failing program, keeping its exact violation signature:
/// cut everything after the call where the last violation appeared; drop calls one by one (a
/// reference to a dropped producer becomes the literal -1, as if it had failed); run parallel groups
/// sequentially; shorten schedules; simplify arguments (masks to one CPU, counts and CPUs to 0/1,
/// flags to one word). Repeats until a whole pass changes nothing.
/// </summary>
public sealed class Minimizer(Func<FuzzProgram, string> signatureOf, OpTable table)
{
    public int Attempts { get; private set; }

    public FuzzProgram Minimize(FuzzProgram start, string signature, IReadOnlyList<int>? firstCall = null)
    {
        bool Keeps(FuzzProgram p) { Attempts++; return signatureOf(p) == signature; }
        var best = start.Clone();

        if (firstCall is { Count: > 0 })
        {
            int last = firstCall.Max();
            if (last < best.Calls.Count)
            {
                var g = best.GroupOf(last);
                int keep = g is null ? last + 1 : g.First + g.Count;
                var cut = best.Clone();
                while (cut.Calls.Count > keep) RemoveCall(cut, cut.Calls.Count - 1);
                if (Keeps(cut)) best = cut;
            }
        }

        for (int pass = 0; pass < 4; pass++)
        {
            bool changed = false;
            for (int i = best.Calls.Count - 1; i >= 0; i--)
            {
                var c = best.Clone();
                RemoveCall(c, i);
                if (Keeps(c)) { best = c; changed = true; }
            }
            for (int gi = best.Groups.Count - 1; gi >= 0; gi--)
            {
                var c = best.Clone();
                c.Groups.RemoveAt(gi);
                if (Keeps(c)) { best = c; changed = true; continue; }
                for (int s = best.Groups[gi].Schedule.Length - 1; s >= 0; s--)
                {
                    var c2 = best.Clone();
                    var sch = c2.Groups[gi].Schedule.ToList();
                    sch.RemoveAt(s);
                    c2.Groups[gi].Schedule = sch.ToArray();
                    if (Keeps(c2)) { best = c2; changed = true; }
                }
            }
            for (int i = 0; i < best.Calls.Count; i++)
            {
                var spec = table.Ops[best.Calls[i].Op];
                for (int a = 0; a < spec.Params.Length; a++)
                {
                    if (best.Calls[i].Refs[a] >= 0) continue;
                    foreach (long v in Simpler(spec.Params[a], best.Calls[i].Values[a]))
                    {
                        var c = best.Clone();
                        c.Calls[i].Values[a] = v;
                        if (Keeps(c)) { best = c; changed = true; break; }
                    }
                }
            }
            if (!changed) break;
        }
        return best;
    }

    /// <summary>Simpler values for one literal argument, simplest first; never the value itself.</summary>
    private IEnumerable<long> Simpler(ParamSpec p, long v)
    {
        switch (p.Kind)
        {
            case ArgKind.Mask:
            {
                ulong bits = (ulong)v;
                if (System.Numerics.BitOperations.PopCount(bits) > 1)
                {
                    yield return (long)(bits & (~bits + 1));
                    for (int b = 63; b >= 0; b--)
                        if ((bits >> b & 1) != 0) yield return (long)(bits & ~(1UL << b));
                }
                break;
            }
            case ArgKind.Int:
                if (v != 0) yield return 0;
                if (v != 1 && v != 0) yield return 1;
                if (v > 3) yield return v / 2;
                if (v > 2) yield return v - 1;
                break;
            case ArgKind.Cpu:
                if (v != 0) yield return 0;
                if (v > 1) yield return 1;
                break;
            case ArgKind.Word:
            case ArgKind.Device:
                if (v != 0) yield return 0;
                break;
            case ArgKind.Flags:
                if (System.Numerics.BitOperations.PopCount((ulong)v) > 1)
                    for (int b = 0; b < p.Words!.Length; b++)
                        if ((v >> b & 1) != 0) yield return 1L << b;
                break;
        }
    }

    /// <summary>Removes call i, keeping the program well typed and groups consistent.</summary>
    public static void RemoveCall(FuzzProgram p, int i)
    {
        p.Calls.RemoveAt(i);
        foreach (var c in p.Calls)
            for (int a = 0; a < c.Refs.Length; a++)
            {
                if (c.Refs[a] == i) { c.Refs[a] = -1; c.Values[a] = -1; }
                else if (c.Refs[a] > i) c.Refs[a]--;
            }
        for (int gi = p.Groups.Count - 1; gi >= 0; gi--)
        {
            var g = p.Groups[gi];
            if (i < g.First) { g.First--; continue; }
            if (i >= g.First + g.Count) continue;
            int local = i - g.First;
            g.Count--;
            g.Schedule = g.Schedule.Where(s => s != local).Select(s => s > local ? s - 1 : s).ToArray();
            if (g.Count < 2) p.Groups.RemoveAt(gi);
        }
    }
}
