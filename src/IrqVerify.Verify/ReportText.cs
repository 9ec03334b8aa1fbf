using System.Globalization;
using System.Text;
using System.Text.Json;
using IrqVerify.Report;

namespace IrqVerify.Verify;

/// <summary>The text form of a verify report (terminal, CI logs) and its JSON form.</summary>
public static class ReportText
{
    public static string Summary(VerifyReport r)
    {
        var rows = new List<string[]> { new[] { "engine", "runs", "time", "failures", "notes" } };
        foreach (var e in r.Engines)
            rows.Add([e.Engine, $"{e.Runs.ToString("N0", CultureInfo.InvariantCulture)} {e.RunUnit}", $"{e.Elapsed.TotalSeconds:F1}s", e.Failures.ToString(CultureInfo.InvariantCulture), e.Notes]);
        return Table(rows);
    }

    /// <summary>A plain aligned table with a header rule.</summary>
    public static string Table(List<string[]> rows)
    {
        int cols = rows[0].Length;
        var w = new int[cols];
        foreach (var row in rows) for (int c = 0; c < cols; c++) w[c] = Math.Max(w[c], row[c].Length);
        var sb = new StringBuilder();
        for (int i = 0; i < rows.Count; i++)
        {
            sb.Append(string.Join("  ", rows[i].Select((cell, c) => c == cols - 1 ? cell : cell.PadRight(w[c]))).TrimEnd()).Append('\n');
            if (i == 0) sb.Append(string.Join("  ", w.Select(x => new string('-', x)))).Append('\n');
        }
        return sb.ToString();
    }

    public static string Failure(FailureReport f, int index)
    {
        var sb = new StringBuilder();
        sb.Append($"FAILURE {index}: {string.Join(", ", f.Invariants)} (found by {f.Engine})\n");
        foreach (var m in f.Messages) sb.Append("  ").Append(m).Append('\n');
        sb.Append("what happens: ").Append(f.Narrative).Append('\n');
        sb.Append("minimized counterexample:\n");
        foreach (var l in f.Counterexample.TrimEnd('\n').Split('\n')) sb.Append("    ").Append(l).Append('\n');
        sb.Append("replay: ").Append(f.Replay).Append('\n');
        sb.Append("regression test:\n").Append(f.RegressionTest);
        return sb.ToString();
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string ToJson(VerifyReport r) => JsonSerializer.Serialize(r, Json);
}
