using System.Text;
using IrqVerify.Model;
using IrqVerify.Model.Core;

namespace IrqVerify.Report;

/// <summary>One step as a trace sink saw it: thread, its CPU, the point reached, the effects, the
/// operation text it belonged to (program runs) and the vector/port state after it.</summary>
public sealed record RecordedStep(string Thread, int Cpu, string Point, IReadOnlyList<string> Effects, string Context, string State)
{
    public bool Violating { get; set; }
    public string ViolationText { get; set; } = "";
}

/// <summary>
/// A <see cref="WriterTrace"/>-like sink that keeps the steps instead of printing them. Attach the
/// machine (<see cref="Machine"/>) to also learn each step's CPU and capture the vector and port
/// state after it. The machine's boot step is not recorded.
/// </summary>
public sealed class StepRecorder : ITraceSink
{
    private readonly List<string> _effects = new();

    public Machine? Machine { get; set; }
    /// <summary>Capture <see cref="StateProbe.VectorAndPorts"/> after each step (on by default).</summary>
    public bool CaptureState { get; init; } = true;
    /// <summary>The operation being run (set by the program builder from the runner's log).</summary>
    public string Context { get; set; } = "";
    public List<RecordedStep> Steps { get; } = new();

    public void Effect(string text) => _effects.Add(text);

    public void Step(string thread, string point)
    {
        if (thread == "boot") { _effects.Clear(); return; }
        var m = Machine;
        int cpu = m?.CurrentThread?.Cpu ?? -1;
        string state = CaptureState && m is not null ? StateProbe.VectorAndPorts(m) : "";
        Steps.Add(new RecordedStep(thread, cpu, point, _effects.ToArray(), Context, state));
        _effects.Clear();
    }

    /// <summary>Marks the last recorded step as where <paramref name="violation"/> appeared; false if none.</summary>
    public bool MarkLast(string violation)
    {
        if (Steps.Count == 0) return false;
        var s = Steps[^1];
        s.Violating = true;
        s.ViolationText = s.ViolationText.Length == 0 ? violation : s.ViolationText + "\n" + violation;
        return true;
    }
}

/// <summary>The part of the machine state a timeline tooltip shows: the x86 vector domain (per-CPU
/// vector tables, IRR, cleanup lists, apic data) and, on Xen machines, the event channels.</summary>
public static class StateProbe
{
    public const int MaxLines = 48;

    public static string VectorAndPorts(Machine m)
    {
        var w = new StringWriter { NewLine = "\n" };
        m.Vector.Dump(w);
        m.Xen?.Dump(w);
        var lines = w.ToString().TrimEnd('\n').Split('\n');
        if (lines.Length <= MaxLines) return string.Join('\n', lines);
        var sb = new StringBuilder();
        for (int i = 0; i < MaxLines; i++) sb.Append(lines[i]).Append('\n');
        sb.Append($"... {lines.Length - MaxLines} more lines");
        return sb.ToString();
    }
}
