using IrqVerify.Model.Core;

namespace IrqVerify.Model.Program;

/// <summary>
/// Evaluates an <see cref="Expectation"/> on a machine where the program stands. A false one is a
/// finding with the id <see cref="Id"/>, which the <see cref="Verdict.Judge"/> classes as an
/// expectation failure (never excused as misuse or a known finding: it is the author's own oracle).
/// </summary>
public static class ExpectationCheck
{
    public const string Id = "EXPECT";

    /// <summary>The value of one operand; <paramref name="lastResult"/> is what <c>result</c> reads.</summary>
    public static ExpectValue Evaluate(Machine m, ExpectOperand o, IReadOnlyDictionary<string, long> vars, long lastResult) => o switch
    {
        ExpectLiteral l => l.Value,
        ExpectVariable v => vars.TryGetValue(v.Name, out long x) ? ExpectValue.Int(x) : ExpectValue.None(ExpectType.Int, $"{v.Name} unbound"),
        ExpectResult => ExpectValue.Int(lastResult),
        ExpectState s => Read(m, s, vars, lastResult),
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };

    private static ExpectValue Read(Machine m, ExpectState s, IReadOnlyDictionary<string, long> vars, long lastResult)
    {
        ExpectFields.TryGet(s.Object, s.Field, out var f);
        long n = 0;
        if (s.Arg is not null)
        {
            var a = Evaluate(m, s.Arg, vars, lastResult);
            if (a.Missing is not null) return ExpectValue.None(s.Type, a.Missing);
            n = a.Bits;
        }
        return f.Read(m, n);
    }

    /// <summary>Null when <paramref name="e"/> holds; else the finding naming file, line, expected and actual.</summary>
    public static Violation? Failure(Machine m, Expectation e, IReadOnlyDictionary<string, long> vars, long lastResult, string file, int line)
    {
        var left = Evaluate(m, e.Left, vars, lastResult);
        var right = e.Right is null ? ExpectValue.Bool(true) : Evaluate(m, e.Right, vars, lastResult);
        if (e.Holds(left, right)) return null;
        string expected = e.Cmp is null or ExpectCmp.Eq ? right.ToString() : $"{Expectation.Symbol(e.Cmp.Value)} {right}";
        return new Violation(Id, $"{file}:{line}: {e.Print()}: expected {expected}, actual {left}");
    }
}
