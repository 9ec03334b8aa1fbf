using System.Globalization;
using System.Text;
using IrqVerify.Model;
using IrqVerify.Model.Program;

namespace IrqVerify.Fuzz;

/// <summary>
/// One call of a fuzz program: an operation and, per parameter, either a literal value or a
/// reference to the call whose result it uses (syzkaller's resources). A reference is the index of
/// an earlier call producing the right kind, so deleting or moving calls keeps programs well typed.
/// </summary>
public sealed class FuzzCall(int op, long[] values, int[] refs)
{
    public int Op { get; set; } = op;
    /// <summary>Literal value per parameter (ignored where <see cref="Refs"/> is ≥ 0).</summary>
    public long[] Values { get; } = values;
    /// <summary>Producing call index per parameter, or -1 for a literal.</summary>
    public int[] Refs { get; } = refs;

    public FuzzCall Clone() => new(Op, (long[])Values.Clone(), (int[])Refs.Clone());
}

/// <summary>
/// A run of consecutive calls executed as concurrent model threads. <see cref="Schedule"/> lists
/// which thread takes each atomic step (an index into the group; a disabled thread yields to the next
/// enabled one in cyclic order); after the schedule, the lowest enabled thread runs until all are done.
/// </summary>
public sealed class FuzzGroup(int first, int count, int[] schedule)
{
    public int First { get; set; } = first;
    public int Count { get; set; } = count;
    public int[] Schedule { get; set; } = schedule;
    public FuzzGroup Clone() => new(First, Count, (int[])Schedule.Clone());
}

/// <summary>
/// A decoded, well-typed operation program. Prints as the textual program format (a parallel group
/// is a <c>#@parallel schedule=...</c> comment line before its calls, which `irqverify run` ignores and
/// `irqverify fuzz --replay` honours) and parses back from it.
/// </summary>
public sealed class FuzzProgram
{
    public const string ParallelDirective = "@parallel";

    public List<FuzzCall> Calls { get; } = new();
    public List<FuzzGroup> Groups { get; } = new();

    public FuzzProgram Clone()
    {
        var p = new FuzzProgram();
        foreach (var c in Calls) p.Calls.Add(c.Clone());
        foreach (var g in Groups) p.Groups.Add(g.Clone());
        return p;
    }

    public bool HasGroups => Groups.Count > 0;

    /// <summary>The group containing call i, or null.</summary>
    public FuzzGroup? GroupOf(int i)
    {
        foreach (var g in Groups) if (i >= g.First && i < g.First + g.Count) return g;
        return null;
    }

    /// <summary>Variable name of call i's result ("irq3", "port5", "n0"), or null when it produces nothing.</summary>
    public static string? VarName(OpSpec spec, int i) => spec.Result switch
    {
        ResultKind.Irq => "irq" + i.ToString(CultureInfo.InvariantCulture),
        ResultKind.Port => "port" + i.ToString(CultureInfo.InvariantCulture),
        ResultKind.Int => "n" + i.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    public IrqProgram ToIrqProgram(OpTable t)
    {
        var lines = new List<ProgramLine>();
        for (int i = 0; i < Calls.Count; i++)
        {
            foreach (var g in Groups)
                if (g.First == i)
                    lines.Add(ProgramLine.CommentLine(ParallelDirective + " " + g.Count.ToString(CultureInfo.InvariantCulture) +
                                                      " schedule=" + string.Join(",", g.Schedule)));
            var c = Calls[i];
            var spec = t.Ops[c.Op];
            var args = new ProgramArg[spec.Params.Length];
            for (int a = 0; a < args.Length; a++)
            {
                var p = spec.Params[a];
                if (c.Refs[a] >= 0)
                {
                    args[a] = ProgramArg.Var(p.Kind, VarName(t.Ops[Calls[c.Refs[a]].Op], c.Refs[a])!);
                    continue;
                }
                long v = c.Values[a];
                args[a] = p.Kind switch
                {
                    ArgKind.Device => new ProgramArg(p.Kind, v, null, t.Machine.Devices[(int)v].Name),
                    ArgKind.Word => new ProgramArg(p.Kind, v, null, p.Words![(int)v]),
                    ArgKind.Flags => new ProgramArg(p.Kind, v, null, string.Join("|", p.Words!.Where((_, k) => (v >> k & 1) != 0))),
                    _ => new ProgramArg(p.Kind, v),
                };
            }
            lines.Add(new ProgramLine(VarName(spec, i), spec.Name, args));
        }
        return new IrqProgram(lines);
    }

    public string Print(OpTable t) => ToIrqProgram(t).Print();

    /// <summary>
    /// Converts a parsed program (any variable names, comments, <c>#@parallel</c> directives) into a
    /// fuzz program. Throws <see cref="ModelInputException"/> for what the fuzz format cannot express
    /// (an Int/Cpu argument given by a variable, a variable bound inside a parallel group used in it).
    /// </summary>
    public static FuzzProgram From(IrqProgram prog, OpTable t, string file = "<program>")
    {
        var p = new FuzzProgram();
        var vars = new Dictionary<string, int>(StringComparer.Ordinal);
        int groupLeft = 0;
        int lineNo = 0;
        foreach (var line in prog.Lines)
        {
            lineNo++;
            if (line.IsComment)
            {
                string? text = line.Comment?.Trim();
                if (text is not null && text.StartsWith(ParallelDirective, StringComparison.Ordinal))
                {
                    var g = ParseDirective(text, file, lineNo);
                    if (groupLeft > 0) throw new ModelInputException(file, lineNo, 1, "nested #@parallel group");
                    g.First = p.Calls.Count;
                    p.Groups.Add(g);
                    groupLeft = g.Count;
                }
                continue;
            }
            // expect / dump() are checks of a hand-written program; the fuzz format has no place for them.
            if (line.IsDirective) continue;
            int op = t.IndexOf(line.Op);
            if (op < 0 && t.IsHarness(line.Op))
                throw new ModelInputException(file, lineNo, 1, $"'{line.Op}' is a peer-suite harness operation, which fuzz inputs do not carry (run the program with irqverify run)");
            if (op < 0) throw new ModelInputException(file, lineNo, 1, $"unknown operation '{line.Op}'");
            var spec = t.Ops[op];
            var values = new long[spec.Params.Length];
            var refs = new int[spec.Params.Length];
            for (int a = 0; a < values.Length; a++)
            {
                var arg = line.Args[a];
                refs[a] = -1;
                if (arg.Variable is null) { values[a] = arg.Value; continue; }
                if (spec.Params[a].Kind is not (ArgKind.Irq or ArgKind.Port))
                    throw new ModelInputException(file, lineNo, 1, $"{spec.Params[a].Name}: the fuzz format takes a literal here, not variable '{arg.Variable}'");
                if (!vars.TryGetValue(arg.Variable, out int producer))
                    throw new ModelInputException(file, lineNo, 1, $"undefined variable '{arg.Variable}'");
                var g = groupLeft > 0 ? p.Groups[^1] : null;
                if (g is not null && producer >= g.First)
                    throw new ModelInputException(file, lineNo, 1, $"'{arg.Variable}' is bound inside the same parallel group");
                refs[a] = producer;
            }
            if (line.Bind is not null) vars[line.Bind] = p.Calls.Count;
            p.Calls.Add(new FuzzCall(op, values, refs));
            if (groupLeft > 0) groupLeft--;
        }
        if (groupLeft > 0) throw new ModelInputException(file, lineNo, 1, "#@parallel group runs past the end of the program");
        return p;
    }

    private static FuzzGroup ParseDirective(string text, string file, int line)
    {
        // "@parallel N schedule=a,b,c"
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 2 || n > ByteFormat.MaxGroup)
            throw new ModelInputException(file, line, 1, $"#@parallel needs a thread count 2..{ByteFormat.MaxGroup}");
        var schedule = new List<int>();
        if (parts.Length >= 3)
        {
            if (!parts[2].StartsWith("schedule=", StringComparison.Ordinal)) throw new ModelInputException(file, line, 1, "expected schedule=i,j,...");
            foreach (var s in parts[2]["schedule=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int k) || k >= n)
                    throw new ModelInputException(file, line, 1, $"schedule entry '{s}' is not a thread index below {n}");
                schedule.Add(k);
            }
        }
        return new FuzzGroup(0, n, schedule.ToArray());
    }

    /// <summary>A canonical text for equality in tests: the printed program.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var c in Calls) sb.Append(c.Op).Append('(').Append(string.Join(",", c.Values)).Append('|').Append(string.Join(",", c.Refs)).Append(')');
        foreach (var g in Groups) sb.Append('[').Append(g.First).Append('+').Append(g.Count).Append(':').Append(string.Join(",", g.Schedule)).Append(']');
        return sb.ToString();
    }
}
