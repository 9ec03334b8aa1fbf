namespace IrqVerify.Model;

/// <summary>
/// Bad input (program text, machine JSON, schedule file): carries file, line and column so the CLI
/// can print one line "file:line:col: message" and exit 2.
/// </summary>
public sealed class ModelInputException(string file, int line, int column, string problem)
    : Exception($"{file}:{line}:{column}: {problem}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public string Problem { get; } = problem;
}
