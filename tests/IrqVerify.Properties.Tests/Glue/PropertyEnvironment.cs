using System.Globalization;

namespace IrqVerify.Properties.Tests;

/// <summary>
/// The suite's two environment knobs, which FsCheck.Xunit does not have. IRQVERIFY_PROPERTY_SCALE
/// multiplies every MaxTest (0.1 for mutation runs, 100 for a long run); IRQVERIFY_PROPERTY_SEED
/// ("seed,gamma[,size]") replaces every property's Replay, and "random" leaves the seed to FsCheck.
/// Without it each property replays a stable seed derived from its name, so CI runs the same cases
/// in every process. Read by <see cref="SuitePropertyAttribute"/> and <see cref="SuitePropertiesAttribute"/>.
/// </summary>
public static class PropertyEnvironment
{
    public const string ScaleVar = "IRQVERIFY_PROPERTY_SCALE";
    public const string SeedVar = "IRQVERIFY_PROPERTY_SEED";

    /// <summary>FsCheck's MaxTest when nothing sets one.</summary>
    public const int DefaultMaxTest = 100;

    /// <summary><paramref name="maxTest"/> times the scale (at least 1 case). A malformed value is
    /// ignored here (attributes must not throw: xunit would abort the whole run) and reported by
    /// <see cref="Problems"/>, which a test asserts empty.</summary>
    public static int Scale(int maxTest) => Scale(maxTest, Environment.GetEnvironmentVariable(ScaleVar));

    public static int Scale(int maxTest, string? scale) =>
        ScaleFactor(scale) is { } f ? Math.Max(1, (int)Math.Round(maxTest * f)) : maxTest;

    private static double? ScaleFactor(string? scale) =>
        !string.IsNullOrWhiteSpace(scale) && double.TryParse(scale, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f > 0 ? f : null;

    /// <summary>One line per malformed variable, naming it and what it expects.</summary>
    public static IReadOnlyList<string> Problems(string? scale, string? seed)
    {
        var p = new List<string>();
        if (!string.IsNullOrWhiteSpace(scale) && ScaleFactor(scale) is null)
            p.Add($"{ScaleVar}='{scale}': expected a positive number such as 0.1 or 100");
        if (!string.IsNullOrWhiteSpace(seed) && !string.Equals(seed.Trim(), "random", StringComparison.OrdinalIgnoreCase) && !IsReplay(seed))
            p.Add($"{SeedVar}='{seed}': expected \"seed,gamma\", \"seed,gamma,size\" or \"random\"");
        return p;
    }

    private static bool IsReplay(string text)
    {
        var parts = text.Trim().Trim('(', ')').Split(',', StringSplitOptions.TrimEntries);
        return parts.Length is 2 or 3 && parts.All(x => ulong.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out _));
    }

    /// <summary>The Replay of property <paramref name="name"/>: the forced seed, null for "random"
    /// (FsCheck draws one and prints it on failure), else the stable seed of the name.</summary>
    public static string? Replay(string name) => Replay(name, Environment.GetEnvironmentVariable(SeedVar));

    public static string? Replay(string name, string? seed)
    {
        if (string.Equals(seed?.Trim(), "random", StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.IsNullOrWhiteSpace(seed) && IsReplay(seed)) return seed.Trim();
        return StableReplay(name);
    }

    /// <summary>IRQVERIFY_PROPERTY_SEED holds a seed or "random": explicit Replay values give way.</summary>
    public static bool Forced => Environment.GetEnvironmentVariable(SeedVar) is { } v
        && (string.Equals(v.Trim(), "random", StringComparison.OrdinalIgnoreCase) || IsReplay(v));

    /// <summary>"seed,gamma" from FNV-1a of the name (gamma odd, as FsCheck's generator wants): the
    /// same in every process and on every machine.</summary>
    public static string StableReplay(string name) => $"{Fnv(name)},{Fnv(name + "/gamma") | 1}";

    private static ulong Fnv(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s) { h ^= c; h *= 1099511628211UL; }
        return h;
    }
}
