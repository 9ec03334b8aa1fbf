namespace IrqVerify.Model.Core;

/// <summary>How the kernel would react to a broken rule.</summary>
public enum Severity
{
    /// <summary>WARN(): the kernel logs and carries on (usually returning early).</summary>
    Warn,
    /// <summary>A fatal assertion (BUG_ON): the model reports it, changes nothing, and carries on.</summary>
    Fatal,
    /// <summary>Caller misuse of an API contract (double free, disable with a handler requested).</summary>
    Misuse,
    /// <summary>An informational kernel message (pr_info/pr_warn without WARN), e.g. "No irq handler".</summary>
    Info,
}

/// <summary>
/// A WARN, fatal assertion or contract violation raised while an operation ran. <see cref="Rule"/>
/// is the kernel function or spec rule (or an invariant ID such as I-P15) it came from.
/// </summary>
public readonly record struct Diagnostic(Severity Severity, string Rule, string Message)
{
    public override string ToString() => $"{Severity.ToString().ToUpperInvariant()} {Rule}: {Message}";
}

/// <summary>Collects diagnostics; never throws.</summary>
public sealed class DiagnosticLog
{
    private readonly List<Diagnostic> _items = new();
    public IReadOnlyList<Diagnostic> Items => _items;
    public int Count => _items.Count;

    /// <summary>Called after each append so the trace can show it in place.</summary>
    public Action<Diagnostic>? Sink { get; set; }

    public void Add(Severity s, string rule, string message)
    {
        var d = new Diagnostic(s, rule, message);
        _items.Add(d);
        Sink?.Invoke(d);
    }

    public void Clear() => _items.Clear();

    /// <summary>Makes the items equal to <paramref name="o"/>'s (snapshot restore); <see cref="Sink"/> is kept.</summary>
    public void CopyFrom(DiagnosticLog o)
    {
        _items.Clear();
        _items.AddRange(o._items);
    }
}
