using System.Text;
using IrqVerify.Explorer;
using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using ExplorerTimeline = IrqVerify.Explorer.Timeline;

namespace IrqVerify.Report;

/// <summary>A program run with its timeline (and the machine, for dumps).</summary>
public sealed record ProgramTimeline(RunReport Report, Timeline Timeline, Machine Machine);

/// <summary>
/// Turns engine output into a <see cref="Timeline"/>: the explorer's replayed schedule (its
/// per-step rows, not its printed text) or a sequential program run recorded step by step.
/// </summary>
public static class TimelineBuilder
{
    // ------------------------------------------------------------------ explorer

    /// <summary>
    /// Replays <paramref name="log"/> on the scenario, recording the explorer's timeline rows plus the
    /// vector/port state after each step and the drain's steps with their CPUs. The result is the
    /// replay (outcome, failure) and the timeline built from it.
    /// </summary>
    public static (ReplayResult Replay, Timeline Timeline) ReplayExplorer(Scenario s, Variants v, IReadOnlyList<LogEntry> log, int? stepBound = null)
    {
        var runner = new ScheduleRunner(s, v, null, stepBound);
        var rows = new ExplorerTimeline(s);
        rows.Attach(runner);
        var probe = new ReplayProbe(rows, runner, DeviceNames(s.Machine));
        runner.Trace = probe;
        var rs = new IrqVerify.Explorer.Strategies.ReplayStrategy(log, s);
        rs.NextIteration();
        var outcome = runner.Run(rs);
        var replay = new ReplayResult(outcome, runner.LastFailure, runner.Log.ToArray(), rows, rs.Divergences, runner.Machine.DumpText());
        return (replay, FromExplorer(s, rows, runner.LastFailure, probe.RowStates, probe.Drain));
    }

    /// <summary>
    /// One step per explorer row (lane: the thread's vCPU, CPU or environment actor), then one per
    /// drain step that had effects. The violating step: the row at <see cref="Failure.Step"/> for
    /// safety and fatal failures, the last row for liveness and deadlock, and an added
    /// "quiescence" step for failures of the eventual checks after the drain.
    /// </summary>
    public static Timeline FromExplorer(Scenario s, ExplorerTimeline t, Failure? failure,
        IReadOnlyList<string>? rowStates = null, IReadOnlyList<(string Lane, string State)>? drain = null)
    {
        var devices = DeviceNames(s.Machine);
        var steps = new List<TimelineStep>();
        int violatingRow = failure is null ? -1 : failure.Kind switch
        {
            FailureKind.Safety or FailureKind.Fatal => failure.Step,
            FailureKind.Liveness or FailureKind.Deadlock => t.Rows.Count > 0 ? t.Rows[^1].Step : -1,
            _ => -1,
        };
        for (int i = 0; i < t.Rows.Count; i++)
        {
            var r = t.Rows[i];
            var th = s.Threads[r.Thread];
            string from = r.From == "start" ? th.Ops[0].Spec.Name + " (start)" : r.From;
            var d = new StringBuilder();
            d.Append(th.Name).Append(": ").Append(from).Append(" -> ").Append(r.To);
            bool violating = r.Step == violatingRow;
            if (violating && failure is not null) AppendFailure(d, failure);
            AppendEffects(d, r.Effects);
            if (rowStates is not null && i < rowStates.Count) AppendState(d, rowStates[i]);
            string label = r.To == "done" ? "done" : r.To;
            steps.Add(new TimelineStep(steps.Count + 1, Lanes.Of(th.Name, th.Cpu, devices), label, d.ToString(), violating));
        }
        for (int i = 0; i < t.DrainEffects.Count; i++)
        {
            string text = t.DrainEffects[i];
            string thread = text.StartsWith('[') && text.IndexOf("] ", StringComparison.Ordinal) is > 0 and var end ? text[1..end] : "drain";
            string effects = thread == "drain" ? text : text[(thread.Length + 3)..];
            string lane = drain is not null && i < drain.Count ? drain[i].Lane : Lanes.Of(thread, -1, devices);
            var d = new StringBuilder();
            d.Append("drain (quiescence work): ").Append(thread);
            AppendEffects(d, effects.Split("; "));
            if (drain is not null && i < drain.Count) AppendState(d, drain[i].State);
            steps.Add(new TimelineStep(steps.Count + 1, lane, "drain: " + thread, d.ToString(), false));
        }
        if (failure is { Kind: FailureKind.Eventual })
        {
            var d = new StringBuilder("eventual checks after the drain");
            AppendFailure(d, failure);
            steps.Add(new TimelineStep(steps.Count + 1, Lanes.Quiescence, "quiescence checks", d.ToString(), true));
        }
        return Assemble(steps, devices);
    }

    /// <summary>Forwards to the explorer's timeline and records, per new row and per drain entry, the
    /// state after the step and (for the drain) the lane of the thread that ran it.</summary>
    private sealed class ReplayProbe(ExplorerTimeline rows, ScheduleRunner runner, IReadOnlyList<string> devices) : ITraceSink
    {
        public List<string> RowStates { get; } = new();
        public List<(string Lane, string State)> Drain { get; } = new();

        public void Effect(string text) => rows.Effect(text);

        public void Step(string thread, string point)
        {
            int r = rows.Rows.Count, d = rows.DrainEffects.Count;
            rows.Step(thread, point);
            if (rows.Rows.Count > r) RowStates.Add(StateProbe.VectorAndPorts(runner.Machine));
            else if (rows.DrainEffects.Count > d)
            {
                var m = runner.Machine;
                Drain.Add((Lanes.Of(thread, m.CurrentThread?.Cpu ?? -1, devices), StateProbe.VectorAndPorts(m)));
            }
        }
    }

    // ------------------------------------------------------------------ sequential program

    /// <summary>
    /// Runs <paramref name="program"/> on a fresh machine with a <see cref="StepRecorder"/> as its
    /// trace, and marks the step after which the runner reported each violation (violations found
    /// at quiescence get an added "quiescence" step). <paramref name="options"/>' Log still receives
    /// the runner's log.
    /// </summary>
    public static ProgramTimeline FromProgram(MachineConfig cfg, Variants variants, IrqProgram program, RunOptions? options = null)
    {
        var o = options ?? new RunOptions();
        var rec = new StepRecorder();
        var m = new Machine(cfg, variants, null, rec);
        rec.Machine = m;
        var log = new RunLogTap(rec, o.Log);
        var report = ProgramRunner.Run(m, program, new RunOptions
        {
            CheckEveryStep = o.CheckEveryStep,
            CheckRefinement = o.CheckRefinement,
            Drain = o.Drain,
            Checks = o.Checks,
            Log = log,
        });
        log.Flush();
        return new ProgramTimeline(report, FromSteps(rec.Steps, DeviceNames(cfg)), m);
    }

    /// <summary>One timeline step per recorded step, in order.</summary>
    public static Timeline FromSteps(IReadOnlyList<RecordedStep> recorded, IReadOnlyList<string>? devices = null)
    {
        var steps = new List<TimelineStep>(recorded.Count);
        foreach (var r in recorded)
        {
            if (r.Thread == Lanes.Quiescence)
            {
                steps.Add(new TimelineStep(steps.Count + 1, Lanes.Quiescence, "quiescence checks",
                    "eventual checks after the drain\n!! " + r.ViolationText.Replace("\n", "\n!! "), r.Violating));
                continue;
            }
            int colon = r.Thread.IndexOf(':');
            string op = colon >= 0 ? r.Thread[(colon + 1)..] : r.Thread;
            var d = new StringBuilder();
            d.Append(r.Thread).Append(" -> ").Append(r.Point);
            if (r.Context.Length > 0) d.Append("\nline: ").Append(r.Context);
            if (r.Violating) d.Append("\n!! ").Append(r.ViolationText.Replace("\n", "\n!! "));
            AppendEffects(d, r.Effects);
            AppendState(d, r.State);
            string label = r.Point == "done" ? op + " done" : r.Point;
            steps.Add(new TimelineStep(steps.Count + 1, Lanes.Of(r.Thread, r.Cpu, devices, r.Context), label, d.ToString(), r.Violating));
        }
        return Assemble(steps, devices);
    }

    /// <summary>
    /// Reads the runner's log as it is written: "  12  op(...)" sets the recorder's context, a
    /// "!! violation" line marks the step just recorded (the runner checks right after each step),
    /// and one at quiescence adds a "quiescence" step. Everything is forwarded to the user's log.
    /// </summary>
    private sealed class RunLogTap(StepRecorder rec, TextWriter? forward) : TextWriter
    {
        private readonly StringBuilder _line = new();
        private bool _drain;
        private RecordedStep? _quiescence;

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            forward?.Write(value);
            if (value == '\n') { Line(_line.ToString().TrimEnd('\r')); _line.Clear(); }
            else _line.Append(value);
        }

        public override void Flush()
        {
            if (_line.Length > 0) { Line(_line.ToString()); _line.Clear(); }
            forward?.Flush();
        }

        private void Line(string line)
        {
            string t = line.Trim();
            if (t.StartsWith("!! ", StringComparison.Ordinal))
            {
                string v = t[3..];
                if (!_drain) { if (!rec.MarkLast(v)) _drain = true; else return; }
                if (_quiescence is null)
                {
                    _quiescence = new RecordedStep(Lanes.Quiescence, -1, "quiescence", [], "(drain)", "") { Violating = true, ViolationText = v };
                    rec.Steps.Add(_quiescence);
                }
                else _quiescence.ViolationText += "\n" + v;
                return;
            }
            if (t.StartsWith("->", StringComparison.Ordinal)) return;
            int sp = 0;
            while (sp < t.Length && char.IsAsciiDigit(t[sp])) sp++;
            if (sp > 0 && sp + 2 <= t.Length && t.AsSpan(sp).StartsWith("  "))
            {
                string op = t[(sp + 2)..];
                _drain = op.StartsWith("(drain", StringComparison.Ordinal);
                rec.Context = _drain ? "(drain)" : op;
            }
        }
    }

    // ------------------------------------------------------------------ shared

    private static IReadOnlyList<string> DeviceNames(MachineConfig cfg) => cfg.Devices.Select(d => d.Name).ToArray();

    private static Timeline Assemble(List<TimelineStep> steps, IReadOnlyList<string>? devices)
    {
        var t = new Timeline();
        t.Lanes.AddRange(Lanes.Order(steps.Select(s => s.Lane), devices));
        t.Steps.AddRange(steps);
        return t;
    }

    private static void AppendFailure(StringBuilder d, Failure f)
    {
        for (int i = 0; i < f.Ids.Count; i++)
            d.Append("\n!! ").Append(f.Ids[i]).Append(i < f.Messages.Count ? ": " + f.Messages[i] : "");
    }

    private static void AppendEffects(StringBuilder d, IEnumerable<string> effects)
    {
        foreach (var e in effects) if (e.Length > 0) d.Append("\n  * ").Append(e);
    }

    private static void AppendState(StringBuilder d, string state)
    {
        if (state.Length == 0) return;
        d.Append("\n-- vector/port state after the step --\n").Append(state);
    }
}
