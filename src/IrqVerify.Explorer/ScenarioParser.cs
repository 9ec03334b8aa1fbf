using System.Globalization;
using IrqVerify.Model;
using IrqVerify.Model.Program;

namespace IrqVerify.Explorer;

/// <summary>
/// Parses the scenario format, a close relative of the program format:
/// <code>
/// # Xen rebind racing with delivery (2L)          first comment = description
/// machine: xen-2l.json                             optional, relative to the scenario file
/// bugs: K10                                        known bugs the scenario exposes (optional)
/// bound: 400                                       steps per schedule before "liveness" (optional)
/// preemptions: 2                                   default preemption bound for dfs (optional)
/// symmetric: 2 3                                   interchangeable CPUs (optional)
/// cpus: shared                                     let threads of one CPU interleave (default: exclusive)
/// setup:
///   p = evtchn_alloc_unbound()                     run sequentially before every schedule
/// threads:
///   vcpu0@cpu0: xen_upcall(0)                      [name@]cpuN: op; op; ...
///   xen@env: xen_send(p)                           env = an environment actor (device, hypervisor)
/// </code>
/// Every problem is a <see cref="ModelInputException"/> with file:line:col.
/// </summary>
public static class ScenarioParser
{
    public static Scenario Load(string path)
    {
        if (!System.IO.File.Exists(path)) throw new ModelInputException(path, 0, 0, "scenario file not found");
        return Parse(System.IO.File.ReadAllText(path), path);
    }

    public static Scenario Parse(string text, string file)
    {
        string[] raw = text.Replace("\r\n", "\n").Split('\n');
        string? description = null;
        string? machinePath = null;
        int machineLine = 0;
        var bugs = new List<string>();
        int bound = 400;
        int? preemptions = null;
        var symmetric = new HashSet<int>();
        bool exclusive = true;
        string section = "header";
        var setupRaw = new List<(string Text, int Line, int Col)>();
        var threadRaw = new List<(string Spec, int Line, int Col, List<(string Text, int Col)> Ops)>();

        for (int i = 0; i < raw.Length; i++)
        {
            int lineNo = i + 1;
            string line = StripComment(raw[i], out string? comment);
            if (line.Trim().Length == 0)
            {
                if (description is null && comment is not null && section == "header") description = comment.Trim();
                continue;
            }
            int indent = line.Length - line.TrimStart().Length;
            string t = line.Trim();
            if (t == "setup:") { section = "setup"; continue; }
            if (t == "threads:") { section = "threads"; continue; }
            switch (section)
            {
                case "header":
                {
                    int colon = t.IndexOf(':');
                    if (colon < 0) throw new ModelInputException(file, lineNo, indent + 1, $"expected 'key: value', 'setup:' or 'threads:', found '{t}'");
                    string key = t[..colon].Trim();
                    string value = t[(colon + 1)..].Trim();
                    int vcol = indent + colon + 2 + (t[(colon + 1)..].Length - t[(colon + 1)..].TrimStart().Length);
                    switch (key)
                    {
                        case "machine": machinePath = value; machineLine = lineNo; break;
                        case "bugs":
                            foreach (string b in value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
                            {
                                if (!new Variants().TryEnable(b)) throw new ModelInputException(file, lineNo, vcol, $"unknown variant '{b}'");
                                bugs.Add(b.ToUpperInvariant());
                            }
                            break;
                        case "bound": bound = Int(value, file, lineNo, vcol, 1, 1_000_000); break;
                        case "preemptions": preemptions = Int(value, file, lineNo, vcol, 0, 1000); break;
                        case "symmetric":
                            foreach (string c in value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
                                symmetric.Add(Int(c.StartsWith("cpu", StringComparison.Ordinal) ? c[3..] : c, file, lineNo, vcol, 0, 63));
                            break;
                        case "cpus":
                            if (value is not ("exclusive" or "shared")) throw new ModelInputException(file, lineNo, vcol, $"cpus: expected exclusive|shared, found '{value}'");
                            exclusive = value == "exclusive";
                            break;
                        default: throw new ModelInputException(file, lineNo, indent + 1, $"unknown key '{key}' (machine, bugs, bound, preemptions, symmetric, cpus)");
                    }
                    break;
                }
                case "setup":
                    setupRaw.Add((t, lineNo, indent + 1));
                    break;
                default:
                {
                    int colon = t.IndexOf(':');
                    if (colon < 0) throw new ModelInputException(file, lineNo, indent + 1, "expected '[name@]cpuN: op; op' or '[name@]env: op'");
                    var ops = new List<(string, int)>();
                    int pos = colon + 1;
                    foreach (string part in t[(colon + 1)..].Split(';'))
                    {
                        int lead = part.Length - part.TrimStart().Length;
                        if (part.Trim().Length > 0) ops.Add((part.Trim(), indent + pos + lead + 1));
                        pos += part.Length + 1;
                    }
                    if (ops.Count == 0) throw new ModelInputException(file, lineNo, indent + colon + 2, "a thread needs at least one operation");
                    threadRaw.Add((t[..colon].Trim(), lineNo, indent + 1, ops));
                    break;
                }
            }
        }
        if (threadRaw.Count == 0) throw new ModelInputException(file, raw.Length > 0 && raw[^1].Length == 0 ? raw.Length - 1 : raw.Length, 1, "no threads (expected a 'threads:' section with at least one thread)");

        MachineConfig machine;
        if (machinePath is null) machine = MachineConfig.Default();
        else
        {
            string full = Path.IsPathRooted(machinePath) ? machinePath : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", machinePath);
            if (!System.IO.File.Exists(full)) throw new ModelInputException(file, machineLine, 1, $"machine file '{machinePath}' not found");
            machine = MachineConfig.Load(full);
        }

        var parser = new ProgramParser(OpCatalog.Default, machine);
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        var setupText = new List<string>();
        var setup = new List<ScenarioOp>();
        foreach (var (stext, line, col) in setupRaw)
        {
            var pl = ParseOne(parser, setupText, stext, file, line, col);
            setup.Add(Compile(pl, line, file, col, slots, null, names));
            setupText.Add(stext);
        }

        var threads = new List<ScenarioThread>();
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (spec, line, col, opsRaw) in threadRaw)
        {
            var (name, cpu) = ThreadSpec(spec, file, line, col, machine);
            if (name is null)
            {
                string basis = cpu >= 0 ? $"cpu{cpu}" : "env";
                name = basis;
                for (int k = 2; used.Contains(name); k++) name = $"{basis}#{k}";
            }
            if (!used.Add(name)) throw new ModelInputException(file, line, col, $"duplicate thread name '{name}'");
            var local = new Dictionary<string, int>(StringComparer.Ordinal);
            var prior = new List<string>(setupText);
            var ops = new List<ScenarioOp>();
            foreach (var (otext, ocol) in opsRaw)
            {
                var pl = ParseOne(parser, prior, otext, file, line, ocol);
                ops.Add(Compile(pl, line, file, ocol, slots, (name, local), names));
                prior.Add(otext);
            }
            string cls = (cpu < 0 ? "env" : symmetric.Contains(cpu) ? "sym" : $"cpu{cpu}") + "|" + string.Join(";", ops.Select(o => o.Text));
            if (!classes.TryGetValue(cls, out int id)) classes[cls] = id = classes.Count;
            threads.Add(new ScenarioThread(name, cpu, [.. ops], id));
        }

        return new Scenario
        {
            Name = Path.GetFileNameWithoutExtension(file),
            File = file,
            Machine = machine,
            Setup = setup,
            Threads = threads,
            Variables = names,
            StepBound = bound,
            PreemptionBound = preemptions,
            Bugs = bugs,
            ExclusiveCpus = exclusive,
            Description = description ?? "",
        };
    }

    private static string StripComment(string line, out string? comment)
    {
        int hash = line.IndexOf('#');
        if (hash < 0) { comment = null; return line; }
        comment = line[(hash + 1)..];
        return line[..hash];
    }

    private static int Int(string s, string file, int line, int col, int min, int max)
    {
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new ModelInputException(file, line, col, $"expected an integer in {min}..{max}, found '{s}'");
        return v;
    }

    /// <summary>"[name@]cpuN" or "[name@]env".</summary>
    private static (string? Name, int Cpu) ThreadSpec(string spec, string file, int line, int col, MachineConfig machine)
    {
        string? name = null;
        string where = spec;
        int at = spec.IndexOf('@');
        if (at >= 0)
        {
            name = spec[..at].Trim();
            where = spec[(at + 1)..].Trim();
            if (name.Length == 0 || !name.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or '#'))
                throw new ModelInputException(file, line, col, $"bad thread name '{name}'");
        }
        if (where == "env") return (name, -1);
        int cpus = Math.Max(machine.Cpus, machine.Xen?.Vcpus ?? 0);
        if (where.StartsWith("cpu", StringComparison.Ordinal) && int.TryParse(where[3..], NumberStyles.None, CultureInfo.InvariantCulture, out int cpu))
        {
            if (cpu >= cpus) throw new ModelInputException(file, line, col, $"{where}: machine '{machine.Name}' has {cpus} CPU(s)");
            return (name, cpu);
        }
        throw new ModelInputException(file, line, col, $"expected cpuN or env, found '{where}'");
    }

    /// <summary>Parses one operation in the context of the lines before it (so variables resolve).</summary>
    private static ProgramLine ParseOne(ProgramParser parser, List<string> prior, string text, string file, int line, int col)
    {
        string all = string.Join("\n", prior.Append(text));
        try
        {
            var prog = parser.ParseText(all, file);
            var last = prog.Lines[^1];
            if (last.IsDirective) throw new ModelInputException(file, line, col, $"'{last.Op}' lines belong in programs (irqverify run), not in scenario threads");
            return last;
        }
        catch (ModelInputException e)
        {
            throw new ModelInputException(file, line, col + e.Column - 1, e.Problem);
        }
    }

    private static ScenarioOp Compile(ProgramLine pl, int line, string file, int col, Dictionary<string, int> globals,
        (string Thread, Dictionary<string, int> Vars)? local, List<string> names)
    {
        var lits = new long[pl.Args.Count];
        var slots = new int[pl.Args.Count];
        for (int i = 0; i < lits.Length; i++)
        {
            var a = pl.Args[i];
            lits[i] = a.Value;
            slots[i] = -1;
            if (a.Variable is null) continue;
            if (local is { } l && l.Vars.TryGetValue(a.Variable, out int ls)) slots[i] = ls;
            else if (globals.TryGetValue(a.Variable, out int gs)) slots[i] = gs;
            else throw new ModelInputException(file, line, col, $"undefined variable '{a.Variable}'");
        }
        int bind = -1;
        if (pl.Bind is not null)
        {
            var scope = local?.Vars ?? globals;
            if (!scope.TryGetValue(pl.Bind, out bind))
            {
                bind = names.Count;
                names.Add(local is { } l2 ? $"{l2.Thread}.{pl.Bind}" : pl.Bind);
                scope[pl.Bind] = bind;
            }
        }
        return new ScenarioOp(pl, OpCatalog.Default[pl.Op], lits, slots, bind, line);
    }
}
