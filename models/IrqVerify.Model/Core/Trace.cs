namespace IrqVerify.Model.Core;

/// <summary>
/// Receives the execution trace: one line per step (thread/CPU, operation, step, effect).
/// The model calls it as <c>m.Trace?.Effect($"...")</c> so that, with tracing off, the message
/// is never formatted and the hot path allocates nothing.
/// </summary>
public interface ITraceSink
{
    /// <summary>A thread reached a scheduling point (the end of one atomic step).</summary>
    void Step(string thread, string point);

    /// <summary>A state change made by the current step ("CPU1 vector 0x21 allocated for irq 24").</summary>
    void Effect(string text);
}

/// <summary>Collects the trace as text lines; effects are attached to the step that made them.</summary>
public sealed class TextTrace : ITraceSink
{
    private readonly List<string> _effects = new();
    public List<string> Lines { get; } = new();

    public void Effect(string text) => _effects.Add(text);

    public void Step(string thread, string point)
    {
        string eff = _effects.Count == 0 ? "" : " : " + string.Join("; ", _effects);
        Lines.Add($"[{thread}] {point}{eff}");
        _effects.Clear();
    }

    /// <summary>Flushes effects made outside any thread step (setup, drain bookkeeping).</summary>
    public void Flush(string context)
    {
        if (_effects.Count > 0) Step(context, "-");
    }
}
