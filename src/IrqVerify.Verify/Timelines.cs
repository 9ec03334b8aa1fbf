using IrqVerify.Model.Program;
using ReportTimeline = IrqVerify.Report.Timeline;
using IrqVerify.Report;

namespace IrqVerify.Verify;

/// <summary>Per-lane timelines for the report: one step per operation (programs) or per atomic step (schedules).</summary>
public static class Timelines
{
    /// <summary>A sequential program: each operation in the lane of the CPU it runs on ("env" for devices and Xen).</summary>
    public static ReportTimeline OfProgram(IrqProgram p, RunReport report)
    {
        var t = new ReportTimeline();
        int firstBad = report.Violations.Count == 0 ? -1 : report.Violations.Min(v => v.Line);
        foreach (var op in report.Ops)
        {
            var spec = OpCatalog.Default[op.Call.Op];
            string lane = spec.CpuParam >= 0
                ? (op.Call.Args[spec.CpuParam].Variable is null ? $"cpu{op.Call.Args[spec.CpuParam].Value}" : "cpu?")
                : spec.IsEnvironment ? "env" : "cpu0";
            if (!t.Lanes.Contains(lane)) t.Lanes.Add(lane);
            string detail = $"-> {op.Result}" + string.Concat(op.Diagnostics.Select(d => "; " + d));
            var here = report.Violations.Where(v => v.Line == op.Line).Select(v => v.Violation.ToString()).ToList();
            if (here.Count > 0) detail += "; " + string.Join("; ", here);
            t.Steps.Add(new TimelineStep(t.Steps.Count + 1, lane, op.Call.Print(), detail, op.Line == firstBad));
        }
        var drain = report.Violations.Where(v => v.Line > (report.Ops.Count == 0 ? 0 : report.Ops[^1].Line)).ToList();
        if (drain.Count > 0)
        {
            if (!t.Lanes.Contains("drain")) t.Lanes.Add("drain");
            t.Steps.Add(new TimelineStep(t.Steps.Count + 1, "drain", "(drain)", string.Join("; ", drain.Select(v => v.Violation.ToString())), firstBad == drain[0].Line));
        }
        SortLanes(t);
        return t;
    }

    /// <summary>A replayed schedule: a step per row, lanes = CPUs/vCPUs and environment actors.</summary>
    public static ReportTimeline OfSchedule(IrqVerify.Explorer.Scenario s, IrqVerify.Explorer.Timeline tl, int violatingStep)
    {
        var t = new ReportTimeline();
        foreach (var th in s.Threads) if (!t.Lanes.Contains(th.Column)) t.Lanes.Add(th.Column);
        foreach (var r in tl.Rows)
        {
            var th = s.Threads[r.Thread];
            string from = r.From == "start" ? th.Ops[0].Spec.Name : r.From;
            t.Steps.Add(new TimelineStep(r.Step, th.Column, $"{th.Name}: {from} -> {r.To}", string.Join("; ", r.Effects), r.Step == violatingStep));
        }
        if (tl.DrainEffects.Count > 0)
        {
            t.Lanes.Add("drain");
            t.Steps.Add(new TimelineStep(t.Steps.Count + 1, "drain", "(drain at quiescence)", string.Join("; ", tl.DrainEffects), violatingStep > tl.Rows.Count));
        }
        return t;
    }

    private static void SortLanes(ReportTimeline t)
    {
        var sorted = t.Lanes.OrderBy(l => l.StartsWith("cpu", StringComparison.Ordinal) ? 0 : 1).ThenBy(l => l, StringComparer.Ordinal).ToList();
        t.Lanes.Clear();
        t.Lanes.AddRange(sorted);
    }
}
