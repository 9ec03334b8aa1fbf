using IrqVerify.Testing;

namespace IrqVerify.Verify.Compare;

/// <summary>Where two runs of the same program part: the first operation whose result differs, or,
/// when every result agrees, the first differing line of the final state dump.</summary>
public sealed record ProgramDiff(string Kind, int Line, string Operation, string Left, string Right)
{
    /// <summary>What makes two differences the same one (minimization keeps it; the report lists each once).</summary>
    public string Key => $"{Kind} {OpName}";

    private string OpName => Operation.Split('(', 2)[0].Split('=').Last().Trim();

    public static ProgramDiff? First(ScenarioOutcome left, ScenarioOutcome right)
    {
        var a = left.Report.Ops;
        var b = right.Report.Ops;
        for (int k = 0; k < Math.Min(a.Count, b.Count); k++)
            if (a[k].Result != b[k].Result)
                return new ProgramDiff("result", a[k].Line, a[k].Call.Print(), a[k].Result, b[k].Result);
        if (a.Count != b.Count)
        {
            var longer = a.Count > b.Count ? a[b.Count] : b[a.Count];
            return new ProgramDiff("result", longer.Line, longer.Call.Print(), a.Count > b.Count ? longer.Result : "(not run)", a.Count > b.Count ? "(not run)" : longer.Result);
        }
        var sa = left.Machine.DumpText().Split('\n');
        var sb = right.Machine.DumpText().Split('\n');
        for (int k = 0; k < Math.Max(sa.Length, sb.Length); k++)
        {
            string x = k < sa.Length ? sa[k].TrimEnd() : "(no line)", y = k < sb.Length ? sb[k].TrimEnd() : "(no line)";
            if (x != y) return new ProgramDiff("final state", a.Count, StateSection(sa, k), x.Trim(), y.Trim());
        }
        return null;
    }

    /// <summary>The dump's section heading above line <paramref name="k"/> (the first unindented line).</summary>
    private static string StateSection(string[] dump, int k)
    {
        for (int i = Math.Min(k, dump.Length - 1); i >= 0; i--)
            if (dump[i].Length > 0 && !char.IsWhiteSpace(dump[i][0]) && !dump[i].StartsWith(' ')) return dump[i].Split(':')[0].Trim();
        return "state";
    }
}
