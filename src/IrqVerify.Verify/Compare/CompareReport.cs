using System.Globalization;
using System.Text;
using IrqVerify.Report;

namespace IrqVerify.Verify.Compare;

/// <summary>A comparison as text (terminal, CI logs) and as the report model the HTML page renders.</summary>
public static class CompareReport
{
    public static string Text(CompareResult r)
    {
        var sb = new StringBuilder();
        var phases = new List<string[]> { new[] { "phase", "runs (both sides)", "time", "found", "notes" } };
        foreach (var p in r.Phases)
            phases.Add([p.Name, $"{p.Runs.ToString("N0", CultureInfo.InvariantCulture)} {p.Unit}", $"{p.Elapsed.TotalSeconds:F1}s", p.Findings.ToString(CultureInfo.InvariantCulture), p.Notes]);
        sb.Append(ReportText.Table(phases)).Append('\n');

        sb.Append("capacity:\n");
        var cap = new List<string[]> { new[] { "figure", r.Left, r.Right, "" } };
        foreach (var c in r.Capacity) cap.Add([c.Figure, c.Left, c.Right, c.Differs ? "<- differs" : ""]);
        sb.Append(ReportText.Table(cap)).Append('\n');

        for (int i = 0; i < r.OneSided.Count; i++)
        {
            var o = r.OneSided[i];
            sb.Append($"ONLY WITH {o.Side} ({i + 1}/{r.OneSided.Count}, {o.Phase}): ");
            sb.Append(ReportText.Failure(o.Report, i + 1)).Append('\n');
        }
        for (int i = 0; i < r.Differences.Count; i++)
        {
            var d = r.Differences[i];
            sb.Append(d.Kind == "result"
                ? $"DIFFERENCE {i + 1}: result of {d.Operation} (line {d.Line}): {r.Left} {d.Left} | {r.Right} {d.Right}\n"
                : $"DIFFERENCE {i + 1}: final state ({d.Operation}) after line {d.Line}: {r.Left} '{d.Left}' | {r.Right} '{d.Right}'\n");
            sb.Append("minimized program:\n");
            foreach (var line in d.Program.TrimEnd().Split('\n')) sb.Append("    ").Append(line).Append('\n');
            sb.Append($"replay: {d.ReplayLeft}\n        {d.ReplayRight}\n\n");
        }
        return sb.ToString();
    }

    /// <summary>The verdict line.</summary>
    public static string Verdict(CompareResult r) => r.Differ
        ? $"DIFFERENT: {r.OneSided.Count} invariant(s) violated on one side only, {r.Differences.Count} behavioural difference(s), " +
          $"{r.Capacity.Count(c => c.Differs)} capacity figure(s) differ ({r.Left} vs {r.Right}, {r.Elapsed.TotalSeconds:F1}s)"
        : $"SAME: no difference between {r.Left} and {r.Right} ({r.Elapsed.TotalSeconds:F1}s)";

    public static VerifyReport ToReport(CompareResult r)
    {
        var rep = new VerifyReport
        {
            Title = $"irqverify compare: {r.Left} against {r.Right}",
            Variant = $"design {r.Left} against {r.Right}",
            Machine = "generated machines, scenario machines, the small fuzz machine, capacity machines",
            Seed = r.Seed,
            Elapsed = r.Elapsed,
            Rerun = r.Rerun,
        };
        foreach (var p in r.Phases) rep.Engines.Add(new EngineSummary(p.Name, p.Runs, p.Unit, p.Elapsed, p.Findings, p.Notes));
        foreach (var o in r.OneSided) rep.Failures.Add(o.Report);
        var cap = new ReportTable { Id = "capacity", Title = "Capacity, side by side", Headers = ["figure", r.Left, r.Right] };
        foreach (var c in r.Capacity) cap.Add(c.Differs, c.Figure, c.Left, c.Right);
        rep.Tables.Add(cap);
        var diff = new ReportTable { Id = "differences", Title = "Behavioural differences (same program, different results or final state)", Headers = ["phase", "kind", "line", "operation", r.Left, r.Right] };
        for (int i = 0; i < r.Differences.Count; i++)
        {
            var d = r.Differences[i];
            diff.Add(true, d.Phase, d.Kind, d.Line.ToString(CultureInfo.InvariantCulture), d.Operation, d.Left, d.Right);
            diff.Blocks.Add(new ReportBlock($"Difference {i + 1}: minimized program and replays", $"{d.Program.TrimEnd()}\n\n{d.ReplayLeft}\n{d.ReplayRight}"));
        }
        rep.Tables.Add(diff);
        return rep;
    }
}
