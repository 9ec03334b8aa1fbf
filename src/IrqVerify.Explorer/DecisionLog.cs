using System.Text;

namespace IrqVerify.Explorer;

/// <summary>
/// One decision of a schedule. A scheduling decision names the thread that ran and the point it
/// resumed from (<see cref="Point"/>); a data decision names the model's choice label and the value
/// taken out of <see cref="Count"/>. Names, not numeric ids, so logs survive small model changes.
/// </summary>
public readonly record struct LogEntry(string Thread, string Point, string? Label, int Value, int Count)
{
    public bool IsChoice => Label is not null;

    public static LogEntry Run(string thread, string point) => new(thread, point, null, 0, 0);
    public static LogEntry Choice(string label, int value, int count) => new("", "", label, value, count);

    public override string ToString() => IsChoice ? $"choose {Label} = {Value}/{Count}" : $"run {Thread} @ {Point}";

    /// <summary>Parses the <see cref="ToString"/> form; null if the line is not a decision.</summary>
    public static LogEntry? TryParse(string line)
    {
        string t = line.Trim();
        if (t.StartsWith("run ", StringComparison.Ordinal))
        {
            int at = t.IndexOf(" @ ", StringComparison.Ordinal);
            return at < 0 ? Run(t[4..].Trim(), "") : Run(t[4..at].Trim(), t[(at + 3)..].Trim());
        }
        if (t.StartsWith("choose ", StringComparison.Ordinal))
        {
            int eq = t.LastIndexOf(" = ", StringComparison.Ordinal);
            if (eq < 0) return null;
            string label = t[7..eq].Trim();
            string[] vc = t[(eq + 3)..].Split('/');
            if (vc.Length != 2 || !int.TryParse(vc[0], out int v) || !int.TryParse(vc[1], out int c)) return null;
            return Choice(label, v, c);
        }
        return null;
    }
}

/// <summary>How a schedule failed.</summary>
public enum FailureKind
{
    /// <summary>A safety invariant broke after a step.</summary>
    Safety,
    /// <summary>The model reported a fatal assertion (BUG_ON, use-after-free, lock misuse).</summary>
    Fatal,
    /// <summary>An eventual invariant failed at quiescence (after the drain).</summary>
    Eventual,
    /// <summary>No quiescence within the step bound, or the drain did not converge (livelock).</summary>
    Liveness,
    /// <summary>Threads remain but none can step.</summary>
    Deadlock,
}

/// <summary>A failing schedule: what broke, where, and the decisions that led there.</summary>
public sealed class Failure
{
    public required FailureKind Kind { get; init; }
    /// <summary>Invariant ids (I-X9, ...) or rule names (model.drain, LIVENESS, DEADLOCK).</summary>
    public required IReadOnlyList<string> Ids { get; init; }
    public required IReadOnlyList<string> Messages { get; init; }
    /// <summary>Step count when it was detected ("quiescence" failures: after the last step).</summary>
    public int Step { get; init; }
    public required IReadOnlyList<LogEntry> Log { get; init; }
    public int Preemptions { get; init; }

    public string Summary => $"{Kind.ToString().ToLowerInvariant()}: {string.Join(", ", Ids)}";

    /// <summary>Same failure for minimization: shares at least one id.</summary>
    public bool SameBugAs(Failure other) => Ids.Any(other.Ids.Contains);

    public int RunSteps => Log.Count(e => !e.IsChoice);

    public string FormatLog()
    {
        var sb = new StringBuilder();
        foreach (var e in Log) sb.Append("  ").Append(e).Append('\n');
        return sb.ToString();
    }
}
