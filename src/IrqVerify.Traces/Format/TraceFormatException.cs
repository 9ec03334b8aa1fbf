namespace IrqVerify.Traces.Format;

/// <summary>A malformed trace: reported as one line "file:line: problem" with exit code 2.</summary>
public sealed class TraceFormatException(string file, int line, string problem) : Exception($"{file}:{line}: {problem}")
{
    public string File { get; } = file;
    public int LineNumber { get; } = line;
    public string Problem { get; } = problem;
}
