using System.Numerics;
using IrqVerify.Model;
using IrqVerify.Model.Program;

namespace IrqVerify.Testing;

/// <summary>
/// Program-level shrinking that keeps programs well typed. Candidates, simplest first:
/// (1) drop a block of lines (halves, quarters, … single lines); a line whose variable lost its
/// producer is dropped too (transitively), or — as a second candidate — rebound to the latest
/// earlier variable of the same kind; (2) simplify one argument (ints towards 0, CPUs towards 0,
/// masks towards one low CPU, devices/words towards the first, flags towards fewer bits).
/// Every candidate is strictly smaller (fewer lines, or the same lines with a smaller argument),
/// so greedy shrinking terminates. Unused bindings and comments are removed from every candidate.
/// </summary>
public static class ProgramShrinker
{
    /// <summary>The shrink candidates of <paramref name="p"/>, lazily, most aggressive first.</summary>
    public static IEnumerable<IrqProgram> Candidates(IrqProgram p, MachineConfig cfg)
    {
        var calls = p.Lines.Where(l => l.IsCall).ToList();
        if (calls.Count != p.Lines.Count) yield return Tidy(calls);
        int n = calls.Count;
        for (int chunk = n / 2; chunk >= 1; chunk /= 2)
        {
            for (int start = 0; start + chunk <= n; start += chunk)
            {
                var dropped = Repair(calls, start, chunk, rebind: false);
                if (dropped.Count < n) yield return Tidy(dropped);
                var rebound = Repair(calls, start, chunk, rebind: true);
                if (rebound.Count < n && !SameLines(rebound, dropped)) yield return Tidy(rebound);
            }
        }
        for (int i = 0; i < n; i++)
        {
            var line = calls[i];
            var spec = OpCatalog.Default[line.Op];
            for (int a = 0; a < line.Args.Count; a++)
                foreach (var smaller in Simpler(spec.Params[a], line.Args[a], cfg))
                {
                    var args = line.Args.ToArray();
                    args[a] = smaller;
                    var copy = calls.ToList();
                    copy[i] = line with { Args = args };
                    yield return new IrqProgram(copy);
                }
        }
    }

    /// <summary>
    /// Greedy minimisation outside FsCheck (the fuzzer's entry point): repeatedly take the first
    /// candidate that still fails. Returns the minimum and the number of successful steps.
    /// </summary>
    public static (IrqProgram Program, int Steps) Minimize(IrqProgram p, MachineConfig cfg, Func<IrqProgram, bool> fails, int maxSteps = 10_000)
    {
        int steps = 0;
        bool progress = true;
        while (progress && steps < maxSteps)
        {
            progress = false;
            foreach (var c in Candidates(p, cfg))
            {
                if (!fails(c)) continue;
                p = c;
                steps++;
                progress = true;
                break;
            }
        }
        return (p, steps);
    }

    /// <summary>Drops lines [start, start+count) and repairs variable flow: a consumer of a variable
    /// whose producer is gone is dropped (cascading), or rebound to the latest earlier variable of
    /// the same kind when <paramref name="rebind"/> is set.</summary>
    public static List<ProgramLine> Repair(IReadOnlyList<ProgramLine> calls, int start, int count, bool rebind)
    {
        var outLines = new List<ProgramLine>();
        var defined = new Dictionary<string, ResultKind>(StringComparer.Ordinal);
        var latest = new Dictionary<ResultKind, string>();
        for (int i = 0; i < calls.Count; i++)
        {
            if (i >= start && i < start + count) continue;
            var line = calls[i];
            var args = line.Args.ToArray();
            bool keep = true;
            for (int a = 0; a < args.Length && keep; a++)
            {
                var v = args[a].Variable;
                if (v is null || defined.ContainsKey(v)) continue;
                var kind = KindOf(args[a].Kind);
                if (rebind && latest.TryGetValue(kind, out var other)) args[a] = args[a] with { Variable = other };
                else keep = false;
            }
            if (!keep) continue;
            outLines.Add(line with { Args = args });
            if (line.Bind is not null)
            {
                var rk = OpCatalog.Default[line.Op].Result;
                defined[line.Bind] = rk;
                latest[rk] = line.Bind;
            }
        }
        return outLines;
    }

    private static ResultKind KindOf(ArgKind k) => k switch
    {
        ArgKind.Irq => ResultKind.Irq,
        ArgKind.Port => ResultKind.Port,
        _ => ResultKind.Int,
    };

    /// <summary>Removes bindings nobody reads (a cosmetic change: nothing else depends on them).</summary>
    public static IrqProgram Tidy(IReadOnlyList<ProgramLine> calls)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var l in calls)
            foreach (var a in l.Args)
                if (a.Variable is not null) used.Add(a.Variable);
        return new IrqProgram(calls.Select(l => l.Bind is not null && !used.Contains(l.Bind) ? l with { Bind = null } : l).ToList());
    }

    private static bool SameLines(List<ProgramLine> a, List<ProgramLine> b) => a.Count == b.Count && a.SequenceEqual(b);

    /// <summary>Strictly simpler values of one literal argument of parameter <paramref name="prm"/>.</summary>
    public static IEnumerable<ProgramArg> Simpler(ParamSpec prm, ProgramArg arg, MachineConfig cfg)
    {
        if (arg.Variable is not null) yield break;
        switch (arg.Kind)
        {
            case ArgKind.Int:
            case ArgKind.Cpu:
            case ArgKind.Irq:
            case ArgKind.Port:
            {
                long v = arg.Value;
                var seen = new HashSet<long>();
                foreach (long c in new[] { 0L, 1L, v / 2, v > 0 ? v - 1 : v + 1 })
                    if (Math.Abs(c) < Math.Abs(v) && seen.Add(c)) yield return arg with { Value = c };
                break;
            }
            case ArgKind.Mask:
            {
                ulong bits = (ulong)arg.Value;
                int pop = BitOperations.PopCount(bits);
                if (pop > 1)
                {
                    yield return arg with { Value = (long)(bits & (~bits + 1)) }; // lowest CPU only
                    for (ulong rest = bits; rest != 0; rest &= rest - 1)
                        yield return arg with { Value = (long)(bits & ~(rest & (~rest + 1))) };
                }
                else if (pop == 1 && bits != 1)
                {
                    yield return arg with { Value = 1 };
                    yield return arg with { Value = (long)(bits >> 1) };
                }
                break;
            }
            case ArgKind.Device:
                for (int d = 0; d < arg.Value; d++) yield return new ProgramArg(ArgKind.Device, d, null, cfg.Devices[d].Name);
                break;
            case ArgKind.Word:
                if (arg.Value > 0) yield return ProgramBuilder.WordOf(prm, 0);
                break;
            case ArgKind.Flags:
                for (long rest = arg.Value; rest != 0; rest &= rest - 1)
                {
                    long without = arg.Value & ~(rest & -rest);
                    if (without != 0) yield return ProgramBuilder.FlagsOf(prm, without);
                }
                break;
        }
    }
}
