using System.Globalization;

namespace IrqVerify.Conformance.Differential;

/// <summary>What a run of the matrix differential compared, and its first (minimized) divergence.</summary>
public sealed record ConformanceReport(
    string KernelVersion,
    ulong Seed,
    int Sequences,
    long Calls,
    long Warns,
    long PrWarns,
    long ErrorReturns,
    int EndedByBug,
    IReadOnlyDictionary<MatrixCallKind, long> CallsByKind,
    Divergence? Divergence,
    ulong DivergingSeed,
    string ReplayArgs = "")
{
    public bool Clean => Divergence is null;

    /// <summary>The command that replays the diverging sequence alone.</summary>
    public string ReplayCommand => $"irqverify conform matrix --seed {DivergingSeed.ToString(CultureInfo.InvariantCulture)} --sequences 1{ReplayArgs}";

    public void Write(TextWriter w)
    {
        var ci = CultureInfo.InvariantCulture;
        w.WriteLine($"conform matrix: kernel/irq/matrix.c of Linux {KernelVersion} against IrqVerify.Model.Matrix.IrqMatrix");
        w.WriteLine(string.Format(ci, "  {0} sequences from seed {1}, {2} calls compared ({3} WARNs, {4} pr_warns, {5} -ENOSPC/-EINVAL returns, {6} sequences ended at a BUG_ON)",
            Sequences, Seed, Calls, Warns, PrWarns, ErrorReturns, EndedByBug));
        w.WriteLine("  calls by kind: " + string.Join(", ", CallsByKind.OrderBy(kv => kv.Key).Select(kv => string.Format(ci, "{0} {1}", kv.Key, kv.Value))));
        if (Divergence is not { } d)
        {
            w.WriteLine("  no divergence: every outcome and every state field equal after every call");
            return;
        }
        w.WriteLine($"DIVERGENCE at call {d.Index + 1} of the minimized sequence ({d.Geometry}):");
        for (int i = 0; i < d.Calls.Count; i++)
            w.WriteLine(string.Format(ci, "  {0,3}. {1}", i + 1, d.Calls[i]));
        w.WriteLine($"  kernel: {d.KernelOutcome}");
        w.WriteLine($"  model:  {d.ModelOutcome}");
        foreach (string diag in d.ModelDiagnostics) w.WriteLine($"  model diagnostic: {diag}");
        w.WriteLine("  differences:");
        foreach (string s in d.Differences()) w.WriteLine("    " + s);
        w.WriteLine("  state after the call:");
        w.Write(MatrixSnapshot.SideBySide(d.KernelState, d.ModelState));
        w.WriteLine($"replay: {ReplayCommand}");
    }
}
