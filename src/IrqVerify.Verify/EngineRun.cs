using IrqVerify.Report;

namespace IrqVerify.Verify;

/// <summary>What one engine did within its share of the budget: its summary row and its failures.</summary>
public sealed class EngineRun
{
    public required EngineSummary Summary { get; init; }
    public List<FailureReport> Failures { get; } = new();
    /// <summary>Per scenario / generator profile / machine: work, time, notes.</summary>
    public List<CaseSummary> Cases { get; } = new();
    /// <summary>The count option that re-runs exactly this engine's work, e.g. "--programs 8758".</summary>
    public required string Rerun { get; init; }
}

/// <summary>The first detection of a hunt (zoo): the differential ids, runs and time it took.</summary>
public sealed record Detection(IReadOnlyList<string> Ids, long Iterations, TimeSpan Time, string Where);

internal static class Ids
{
    /// <summary>The dedup key of a failure: its invariant id set, sorted.</summary>
    public static string Key(IEnumerable<string> ids) => string.Join(",", ids.Distinct().OrderBy(s => s, StringComparer.Ordinal));

    public static string FileSafe(string s) => new(s.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '+').ToArray());

    /// <summary>SplitMix64 of (seed, i): the per-case seed, the same in every process.</summary>
    public static ulong Mix(ulong seed, long i)
    {
        ulong z = seed + 0x9E3779B97F4A7C15UL * (ulong)(i + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static string VariantFlags(IEnumerable<string> variants) => string.Concat(variants.Select(v => " --variant " + v));

    /// <summary>" --design ARG" for a design named on the command line, "" for Linux.</summary>
    public static string DesignFlag(string? designArg) => designArg is null ? "" : " --design " + designArg;
}
