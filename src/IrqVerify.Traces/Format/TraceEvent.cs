namespace IrqVerify.Traces.Format;

/// <summary>
/// One line of ftrace text output: <c>task-pid [cpu] flags timestamp: event: key=value ...</c>.
/// <see cref="Cpu"/> is the CPU the event was recorded on (the local CPU of matrix functions
/// that act on "this CPU", such as irq_matrix_online/offline).
/// </summary>
public sealed record TraceEvent(int Line, string Task, int Cpu, string Timestamp, string Name, IReadOnlyDictionary<string, string> Fields, string Text)
{
    /// <summary>The raw payload after "event: " (trace markers keep their text here).</summary>
    public string Payload { get; init; } = "";
}
