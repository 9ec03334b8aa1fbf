using System.Globalization;
using IrqVerify.Model.Core;

namespace IrqVerify.Model.Program;

/// <summary>The type of an expectation operand: compared only with its own type.</summary>
public enum ExpectType { Int, Bool, Mask }

/// <summary>A value an expectation operand evaluates to; <see cref="Missing"/> names why there is none
/// (the irq or port does not exist).</summary>
public readonly record struct ExpectValue(ExpectType Type, long Bits, string? Missing = null)
{
    public static ExpectValue Int(long v) => new(ExpectType.Int, v);
    public static ExpectValue Bool(bool b) => new(ExpectType.Bool, b ? 1 : 0);
    public static ExpectValue Mask(CpuMask m) => new(ExpectType.Mask, (long)m.Bits);
    public static ExpectValue None(ExpectType t, string why) => new(t, 0, why);

    public override string ToString() => Missing ?? Type switch
    {
        ExpectType.Bool => Bits != 0 ? "true" : "false",
        ExpectType.Mask => new CpuMask((ulong)Bits).ToString(),
        _ => Bits.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>One side of an expectation, printed in its canonical form.</summary>
public abstract record ExpectOperand(ExpectType Type)
{
    public abstract string Print();
}

/// <summary>A literal: a number, an errno (-EINVAL, printed by name), true/false, or a cpumask.</summary>
public sealed record ExpectLiteral(ExpectValue Value, string Text) : ExpectOperand(Value.Type)
{
    public override string Print() => Text;
}

/// <summary>A variable bound by an earlier line (its value; -1 when its producer failed).</summary>
public sealed record ExpectVariable(string Name) : ExpectOperand(ExpectType.Int)
{
    public override string Print() => Name;
}

/// <summary><c>result</c>: the outcome of the nearest operation line above (its value, 0, or -errno).</summary>
public sealed record ExpectResult() : ExpectOperand(ExpectType.Int)
{
    public const string Keyword = "result";
    public override string Print() => Keyword;
}

/// <summary>
/// Model state: <c>irq(A).field</c>, <c>port(A).field</c>, <c>vcpu(N).field</c>, <c>cpu(N).field</c>,
/// <c>matrix.field</c> or <c>matrix.cpu(N).field</c>. <see cref="Arg"/> is the object's number or
/// variable (null for the global <c>matrix</c>).
/// </summary>
public sealed record ExpectState(string Object, ExpectOperand? Arg, string Field, ExpectType FieldType) : ExpectOperand(FieldType)
{
    public override string Print() => (Arg is null ? Object : $"{Object}({Arg.Print()})") + "." + Field;
}

/// <summary>A comparison operator of an expectation.</summary>
public enum ExpectCmp { Eq, Ne, Lt, Le, Gt, Ge }

/// <summary>
/// <c>expect LEFT [CMP RIGHT]</c>: checked where it stands in the program. Without a comparison
/// LEFT must be a boolean that is expected to be true.
/// </summary>
public sealed record Expectation(ExpectOperand Left, ExpectCmp? Cmp, ExpectOperand? Right)
{
    public const string Keyword = "expect";

    public static string Symbol(ExpectCmp c) => c switch
    {
        ExpectCmp.Eq => "==", ExpectCmp.Ne => "!=", ExpectCmp.Lt => "<",
        ExpectCmp.Le => "<=", ExpectCmp.Gt => ">", _ => ">=",
    };

    public string Print() => Cmp is { } c ? $"{Keyword} {Left.Print()} {Symbol(c)} {Right!.Print()}" : $"{Keyword} {Left.Print()}";

    /// <summary>Whether <paramref name="left"/> CMP <paramref name="right"/> holds (a missing value never does).</summary>
    public bool Holds(ExpectValue left, ExpectValue right)
    {
        if (left.Missing is not null || right.Missing is not null) return false;
        return (Cmp ?? ExpectCmp.Eq) switch
        {
            ExpectCmp.Eq => left.Bits == right.Bits,
            ExpectCmp.Ne => left.Bits != right.Bits,
            ExpectCmp.Lt => left.Bits < right.Bits,
            ExpectCmp.Le => left.Bits <= right.Bits,
            ExpectCmp.Gt => left.Bits > right.Bits,
            _ => left.Bits >= right.Bits,
        };
    }

    public override string ToString() => Print();
}
