namespace IrqVerify.Model.Core;

/// <summary>Writes the execution trace as it happens: one line per step, effects after a colon.</summary>
public sealed class WriterTrace(TextWriter w, string indent = "      ") : ITraceSink
{
    private readonly List<string> _effects = new();

    public void Effect(string text) => _effects.Add(text);

    public void Step(string thread, string point)
    {
        w.Write(indent);
        w.Write('[');
        w.Write(thread);
        w.Write("] ");
        w.Write(point);
        if (_effects.Count > 0)
        {
            w.Write(" : ");
            w.Write(string.Join("; ", _effects));
            _effects.Clear();
        }
        w.WriteLine();
    }
}
