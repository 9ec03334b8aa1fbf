using System.Globalization;

namespace IrqVerify.Model.Program;

/// <summary>
/// Parses the textual program format against an operation catalog and a machine configuration.
/// Every problem is a <see cref="ModelInputException"/> naming file, line and column: unknown
/// operation, wrong argument count or kind, undefined variable, unknown device or word, bad mask.
/// </summary>
public sealed partial class ProgramParser(OpCatalog catalog, MachineConfig machine)
{
    public static IrqProgram Parse(string text, string file, MachineConfig? machine = null, OpCatalog? catalog = null) =>
        new ProgramParser(catalog ?? OpCatalog.Default, machine ?? MachineConfig.Default()).ParseText(text, file);

    public IrqProgram ParseText(string text, string file)
    {
        var lines = new List<ProgramLine>();
        var vars = new Dictionary<string, ResultKind>(StringComparer.Ordinal);
        string[] raw = text.Replace("\r\n", "\n").Split('\n');
        int count = raw.Length;
        if (count > 0 && raw[^1].Length == 0) count--; // trailing newline
        for (int i = 0; i < count; i++)
        {
            var line = raw[i];
            var cur = new Cursor(line, file, i + 1);
            cur.SkipSpace();
            if (cur.AtEnd) { lines.Add(ProgramLine.Blank); continue; }
            if (cur.Peek == '#') { lines.Add(ProgramLine.CommentLine(line[(cur.Pos + 1)..])); continue; }
            lines.Add(ParseDirective(cur, vars) ?? ParseCall(cur, vars));
        }
        return new IrqProgram(lines) { Source = file };
    }

    private ProgramLine ParseCall(Cursor cur, Dictionary<string, ResultKind> vars)
    {
        int identCol = cur.Column;
        string first = cur.Ident("an operation name or a variable");
        cur.SkipSpace();
        string? bind = null;
        int opCol = identCol;
        string op = first;
        if (!cur.AtEnd && cur.Peek == '=')
        {
            cur.Advance();
            cur.SkipSpace();
            bind = first;
            opCol = cur.Column;
            op = cur.Ident("an operation name");
            cur.SkipSpace();
        }
        if (!catalog.TryGet(op, out var spec))
            throw cur.Error(opCol, $"unknown operation '{op}'");
        if (bind is not null && spec.Result == ResultKind.None)
            throw cur.Error(identCol, $"'{op}' produces no result to bind to '{bind}'");
        cur.Expect('(');
        var args = new List<ProgramArg>();
        cur.SkipSpace();
        int closeCol = cur.Column;
        if (!cur.AtEnd && cur.Peek == ')') cur.Advance();
        else
        {
            while (true)
            {
                cur.SkipSpace();
                int col = cur.Column;
                if (args.Count >= spec.Params.Length)
                    throw cur.Error(col, $"'{op}' takes {spec.Params.Length} argument(s): {Signature(spec)}");
                args.Add(ParseArg(cur, spec.Params[args.Count], vars, col));
                cur.SkipSpace();
                if (cur.AtEnd) throw cur.Error(cur.Column, "expected ',' or ')'");
                if (cur.Peek == ',') { cur.Advance(); continue; }
                if (cur.Peek == ')') { closeCol = cur.Column; cur.Advance(); break; }
                throw cur.Error(cur.Column, $"expected ',' or ')', found '{cur.Peek}'");
            }
        }
        if (args.Count != spec.Params.Length)
            throw cur.Error(closeCol, $"'{op}' takes {spec.Params.Length} argument(s): {Signature(spec)}");
        cur.SkipSpace();
        if (!cur.AtEnd && cur.Peek != '#') throw cur.Error(cur.Column, $"unexpected text after ')': '{cur.Rest}'");
        if (bind is not null) vars[bind] = spec.Result;
        return new ProgramLine(bind, op, args);
    }

    private ProgramArg ParseArg(Cursor cur, ParamSpec p, Dictionary<string, ResultKind> vars, int col)
    {
        switch (p.Kind)
        {
            case ArgKind.Mask:
            {
                if (cur.AtEnd || cur.Peek != '{') throw cur.Error(col, $"{p.Name}: expected a cpumask like {{0-2,5}}");
                string t = cur.Until('}');
                if (!Core.CpuMask.TryParse(t, out var mask)) throw cur.Error(col, $"{p.Name}: bad cpumask '{t}'");
                return new ProgramArg(ArgKind.Mask, (long)mask.Bits);
            }
            case ArgKind.Device:
            {
                string name = cur.Ident($"{p.Name}: a device name");
                int idx = machine.Devices.FindIndex(d => d.Name == name);
                if (idx < 0) throw cur.Error(col, $"{p.Name}: unknown device '{name}' (machine '{machine.Name}' has {string.Join(", ", machine.Devices.Select(d => d.Name))})");
                return new ProgramArg(ArgKind.Device, idx, null, name);
            }
            case ArgKind.Word:
            {
                string w = cur.Word($"{p.Name}: one of {string.Join("|", p.Words!)}");
                int idx = Array.IndexOf(p.Words!, w);
                if (idx < 0) throw cur.Error(col, $"{p.Name}: '{w}' is not one of {string.Join("|", p.Words!)}");
                return new ProgramArg(ArgKind.Word, idx, null, w);
            }
            case ArgKind.Flags:
            {
                long bits = 0;
                var seen = new List<string>();
                while (true)
                {
                    int wc = cur.Column;
                    string w = cur.Word($"{p.Name}: flags from {string.Join("|", p.Words!)}");
                    int idx = Array.IndexOf(p.Words!, w);
                    if (idx < 0) throw cur.Error(wc, $"{p.Name}: unknown flag '{w}' (flags: {string.Join("|", p.Words!)})");
                    bits |= 1L << idx;
                    seen.Add(w);
                    cur.SkipSpace();
                    if (!cur.AtEnd && cur.Peek == '|') { cur.Advance(); cur.SkipSpace(); continue; }
                    break;
                }
                string canonical = string.Join("|", p.Words!.Where((w, i) => (bits >> i & 1) != 0));
                return new ProgramArg(ArgKind.Flags, bits, null, canonical);
            }
            default:
            {
                if (!cur.AtEnd && (char.IsDigit(cur.Peek) || cur.Peek == '-'))
                {
                    long v = cur.Number($"{p.Name}: a number");
                    return new ProgramArg(p.Kind, v);
                }
                string name = cur.Ident($"{p.Name}: a number or a variable");
                if (!vars.TryGetValue(name, out var kind)) throw cur.Error(col, $"{p.Name}: undefined variable '{name}'");
                bool fits = p.Kind switch
                {
                    ArgKind.Irq => kind == ResultKind.Irq,
                    ArgKind.Port => kind == ResultKind.Port,
                    _ => kind == ResultKind.Int,
                };
                if (!fits) throw cur.Error(col, $"{p.Name}: variable '{name}' holds {kind.ToString().ToLowerInvariant()}, expected {p.Kind.ToString().ToLowerInvariant()}");
                return ProgramArg.Var(p.Kind, name);
            }
        }
    }

    public static string Signature(OpSpec s) =>
        $"{s.Name}({string.Join(", ", s.Params.Select(p => p.Kind switch { ArgKind.Word or ArgKind.Flags => $"{p.Name}: {string.Join("|", p.Words!)}", _ => $"{p.Name}: {p.Kind.ToString().ToLowerInvariant()}" }))})";

    private sealed class Cursor(string line, string file, int lineNo)
    {
        public int Pos;
        public bool AtEnd => Pos >= line.Length;
        public char Peek => line[Pos];
        public int Column => Pos + 1;
        public string Rest => line[Pos..];
        public void Advance() => Pos++;

        public void SkipSpace() { while (!AtEnd && (line[Pos] == ' ' || line[Pos] == '\t')) Pos++; }

        public ModelInputException Error(int column, string msg) => new(file, lineNo, column, msg);

        public void Expect(char c)
        {
            SkipSpace();
            if (AtEnd || line[Pos] != c) throw Error(Column, $"expected '{c}'" + (AtEnd ? "" : $", found '{line[Pos]}'"));
            Pos++;
        }

        /// <summary>An identifier at the cursor, or false (cursor unmoved) when there is none.</summary>
        public bool TryIdent(out string ident)
        {
            int s = Pos;
            while (!AtEnd && (char.IsLetterOrDigit(line[Pos]) || line[Pos] == '_')) Pos++;
            if (Pos == s || char.IsDigit(line[s])) { Pos = s; ident = ""; return false; }
            ident = line[s..Pos];
            return true;
        }

        public string Ident(string what)
        {
            int s = Pos;
            while (!AtEnd && (char.IsLetterOrDigit(line[Pos]) || line[Pos] == '_')) Pos++;
            if (Pos == s || char.IsDigit(line[s])) { Pos = s; throw Error(s + 1, $"expected {what}" + (AtEnd ? "" : $", found '{line[s]}'")); }
            return line[s..Pos];
        }

        /// <summary>A word of a Word/Flags parameter: letters, digits and '_' (words such as "2l" may start with a digit).</summary>
        public string Word(string what)
        {
            int s = Pos;
            while (!AtEnd && (char.IsLetterOrDigit(line[Pos]) || line[Pos] == '_')) Pos++;
            if (Pos == s) throw Error(s + 1, $"expected {what}" + (AtEnd ? "" : $", found '{line[s]}'"));
            return line[s..Pos];
        }

        public long Number(string what)
        {
            int s = Pos;
            if (!AtEnd && line[Pos] == '-') Pos++;
            while (!AtEnd && (char.IsLetterOrDigit(line[Pos]))) Pos++;
            string t = line[s..Pos];
            bool neg = t.StartsWith('-');
            string body = neg ? t[1..] : t;
            bool ok = body.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? long.TryParse(body[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long v)
                : long.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out v);
            if (!ok) throw Error(s + 1, $"expected {what}, found '{t}'");
            return neg ? -v : v;
        }

        public string Until(char end)
        {
            int s = Pos;
            int e = line.IndexOf(end, Pos);
            if (e < 0) throw Error(s + 1, $"missing '{end}'");
            Pos = e + 1;
            return line[s..Pos];
        }
    }
}
