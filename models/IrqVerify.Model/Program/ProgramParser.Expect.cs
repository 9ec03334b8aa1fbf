using IrqVerify.Model.Core;

namespace IrqVerify.Model.Program;

/// <summary>
/// The directives of the program format: <c>dump()</c> and <c>expect LEFT [CMP RIGHT]</c>, where
/// an operand is a number, an errno (<c>-EINVAL</c>), <c>true</c>/<c>false</c>, a cpumask, a bound
/// variable, <c>result</c> (the outcome of the operation line above) or model state
/// (<see cref="ExpectFields"/>). Names, fields and types are checked here, so a wrong expectation is
/// bad input (exit 2) and never a silent pass.
/// </summary>
public sealed partial class ProgramParser
{
    /// <summary>A directive line, or null when the line is an operation call.</summary>
    private ProgramLine? ParseDirective(Cursor cur, Dictionary<string, ResultKind> vars)
    {
        int start = cur.Pos;
        if (!cur.TryIdent(out string word)) return null;
        cur.SkipSpace();
        if (word == ProgramLine.DumpDirective && !cur.AtEnd && cur.Peek == '(')
        {
            cur.Advance();
            cur.Expect(')');
            EndOfLine(cur, "')'");
            return ProgramLine.Dump;
        }
        if (word != Expectation.Keyword || (!cur.AtEnd && cur.Peek == '='))
        {
            cur.Pos = start;
            return null;
        }
        var left = ParseOperand(cur, vars);
        cur.SkipSpace();
        if (cur.AtEnd || cur.Peek == '#')
        {
            if (left.Type != ExpectType.Bool)
                throw cur.Error(cur.Column, $"expected a comparison (== != < <= > >=) after '{left.Print()}', which is not a boolean");
            return ProgramLine.ExpectLine(new Expectation(left, null, null));
        }
        int cmpCol = cur.Column;
        var cmp = ParseCmp(cur);
        cur.SkipSpace();
        int rightCol = cur.Column;
        var right = ParseOperand(cur, vars);
        if (right.Type != left.Type)
            throw cur.Error(rightCol, $"'{right.Print()}' is {Name(right.Type)}, '{left.Print()}' is {Name(left.Type)}");
        if (left.Type != ExpectType.Int && cmp is not (ExpectCmp.Eq or ExpectCmp.Ne))
            throw cur.Error(cmpCol, $"{Name(left.Type)} values compare only with == or !=");
        EndOfLine(cur, $"'{right.Print()}'");
        return ProgramLine.ExpectLine(new Expectation(left, cmp, right));
    }

    private static string Name(ExpectType t) => t switch { ExpectType.Bool => "a boolean", ExpectType.Mask => "a cpumask", _ => "an integer" };

    private static void EndOfLine(Cursor cur, string after)
    {
        cur.SkipSpace();
        if (!cur.AtEnd && cur.Peek != '#') throw cur.Error(cur.Column, $"unexpected text after {after}: '{cur.Rest}'");
    }

    private static ExpectCmp ParseCmp(Cursor cur)
    {
        string two = cur.Rest.Length >= 2 ? cur.Rest[..2] : cur.Rest;
        (ExpectCmp c, int len) = two switch
        {
            "==" => (ExpectCmp.Eq, 2), "!=" => (ExpectCmp.Ne, 2), "<=" => (ExpectCmp.Le, 2), ">=" => (ExpectCmp.Ge, 2),
            _ when two.StartsWith('<') => (ExpectCmp.Lt, 1),
            _ when two.StartsWith('>') => (ExpectCmp.Gt, 1),
            _ => throw cur.Error(cur.Column, $"expected a comparison (== != < <= > >=), found '{cur.Rest}'"),
        };
        cur.Pos += len;
        return c;
    }

    private ExpectOperand ParseOperand(Cursor cur, Dictionary<string, ResultKind> vars)
    {
        int col = cur.Column;
        if (cur.AtEnd) throw cur.Error(col, "expected a value: a number, true/false, a cpumask, a variable, result, or state like irq(n).depth");
        if (cur.Peek == '{')
        {
            string t = cur.Until('}');
            if (!CpuMask.TryParse(t, out var mask)) throw cur.Error(col, $"bad cpumask '{t}'");
            return new ExpectLiteral(ExpectValue.Mask(mask), mask.ToString());
        }
        if (cur.Peek == '-' && cur.Rest.Length > 1 && char.IsLetter(cur.Rest[1]))
        {
            cur.Advance();
            string name = cur.Ident("an errno name such as EINVAL");
            if (!Enum.TryParse<Errno>(name, ignoreCase: false, out var e) || e == Errno.Ok || !name.StartsWith('E'))
                throw cur.Error(col, $"unknown errno '-{name}' (known: {string.Join(", ", Enum.GetNames<Errno>().Where(n => n.StartsWith('E')).Select(n => "-" + n))})");
            return new ExpectLiteral(ExpectValue.Int(-(long)e), "-" + name);
        }
        if (char.IsDigit(cur.Peek) || cur.Peek == '-')
        {
            long v = cur.Number("a number");
            return new ExpectLiteral(ExpectValue.Int(v), v.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        string word = cur.Ident("a value");
        switch (word)
        {
            case "true": return new ExpectLiteral(ExpectValue.Bool(true), "true");
            case "false": return new ExpectLiteral(ExpectValue.Bool(false), "false");
            case ExpectResult.Keyword: return new ExpectResult();
        }
        bool call = !cur.AtEnd && cur.Peek == '(';
        bool dot = !cur.AtEnd && cur.Peek == '.';
        if (!call && !dot)
        {
            if (!vars.ContainsKey(word)) throw cur.Error(col, $"undefined variable '{word}'");
            return new ExpectVariable(word);
        }
        string obj = word;
        ExpectOperand? arg = null;
        if (dot && obj == "matrix" && cur.Rest.StartsWith(".cpu(", StringComparison.Ordinal))
        {
            cur.Pos += 4;
            obj = "matrix.cpu";
            call = true;
        }
        if (!ExpectFields.Objects.Contains(obj))
            throw cur.Error(col, $"unknown state object '{obj}' (objects: {string.Join(", ", ExpectFields.Objects)})");
        bool numbered = ExpectFields.Numbered.Contains(obj);
        if (call != numbered)
            throw cur.Error(col, numbered ? $"'{obj}' needs a number: {obj}(N).field" : $"'{obj}' takes no number: {obj}.field");
        if (call)
        {
            cur.Advance();
            cur.SkipSpace();
            int argCol = cur.Column;
            if (!cur.AtEnd && (char.IsDigit(cur.Peek) || cur.Peek == '-'))
            {
                long n = cur.Number("a number or a variable");
                arg = new ExpectLiteral(ExpectValue.Int(n), n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                string v = cur.Ident("a number or a variable");
                if (!vars.ContainsKey(v)) throw cur.Error(argCol, $"undefined variable '{v}'");
                arg = new ExpectVariable(v);
            }
            cur.Expect(')');
        }
        cur.Expect('.');
        int fieldCol = cur.Column;
        string field = cur.Ident($"a field of {obj}");
        if (!ExpectFields.TryGet(obj, field, out var f))
            throw cur.Error(fieldCol, $"{obj} has no field '{field}' (fields: {string.Join(", ", ExpectFields.FieldsOf(obj))})");
        return new ExpectState(obj, arg, field, f.Type);
    }
}
