using System.Globalization;
using System.Text;

namespace IrqVerify.Model.Program;

/// <summary>
/// One argument as written: a literal value of its parameter's kind, or a variable reference
/// (only for Irq / Port / Int parameters). Flags and words are stored as the word text so the
/// program stays readable and prints back exactly.
/// </summary>
public sealed record ProgramArg(ArgKind Kind, long Value, string? Variable = null, string? Text = null)
{
    public static ProgramArg Var(ArgKind kind, string name) => new(kind, 0, name);

    public string Print() => Variable ?? Kind switch
    {
        ArgKind.Mask => new Core.CpuMask((ulong)Value).ToString(),
        ArgKind.Device or ArgKind.Word or ArgKind.Flags => Text!,
        _ => Value.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// A line of a program: an operation call (optionally binding its result), a comment, or a
/// directive the runner carries out itself: <c>expect ...</c> (<see cref="Expect"/>) or <c>dump()</c>.
/// </summary>
public sealed record ProgramLine(string? Bind, string Op, IReadOnlyList<ProgramArg> Args, string? Comment = null, Expectation? Expect = null)
{
    /// <summary>The directive that prints the machine state where it stands.</summary>
    public const string DumpDirective = "dump";

    public bool IsComment => Op.Length == 0;

    /// <summary><c>expect</c> or <c>dump()</c>: not an operation of the vocabulary.</summary>
    public bool IsDirective => Expect is not null || Op == DumpDirective;

    /// <summary>An operation call (neither a comment nor a directive).</summary>
    public bool IsCall => !IsComment && !IsDirective;

    public static ProgramLine CommentLine(string text) => new(null, "", [], text);

    public static ProgramLine ExpectLine(Expectation e) => new(null, Expectation.Keyword, [], null, e);

    public static readonly ProgramLine Dump = new(null, DumpDirective, [], null);

    /// <summary>An empty line (kept so programs print back exactly as written).</summary>
    public static readonly ProgramLine Blank = new(null, "", [], null);

    public string Print()
    {
        if (IsComment) return Comment is null ? "" : "#" + Comment;
        if (Expect is not null) return Expect.Print();
        var sb = new StringBuilder();
        if (Bind is not null) sb.Append(Bind).Append(" = ");
        sb.Append(Op).Append('(');
        for (int i = 0; i < Args.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Args[i].Print());
        }
        sb.Append(')');
        return sb.ToString();
    }

    public bool Equals(ProgramLine? other) =>
        other is not null && Bind == other.Bind && Op == other.Op && Comment == other.Comment && Equals(Expect, other.Expect) && Args.SequenceEqual(other.Args);

    public override int GetHashCode() => HashCode.Combine(Bind, Op, Comment, Args.Count);
}

/// <summary>
/// An operation program in the textual format: one operation per line, named resources
/// (<c>irq0 = pci_irq_vector(dev1, 0)</c>), '#' comments, <c>expect</c> and <c>dump()</c> lines. <see cref="Print"/> and
/// <see cref="ProgramParser.Parse"/> round-trip exactly.
/// </summary>
public sealed class IrqProgram(IReadOnlyList<ProgramLine> lines)
{
    public IReadOnlyList<ProgramLine> Lines { get; } = lines;

    /// <summary>The file it was parsed from (names expectation failures); not part of its identity.</summary>
    public string? Source { get; init; }

    /// <summary>Operation lines only (comments and directives skipped).</summary>
    public IEnumerable<ProgramLine> Calls => Lines.Where(l => l.IsCall);

    public int CallCount => Lines.Count(l => l.IsCall);

    public string Print()
    {
        var sb = new StringBuilder();
        foreach (var l in Lines) sb.Append(l.Print()).Append('\n');
        return sb.ToString();
    }

    public override string ToString() => Print();

    public bool StructurallyEquals(IrqProgram other) => Lines.SequenceEqual(other.Lines);
}
