using System.Globalization;
using System.Reflection;

namespace IrqVerify.Xunit;

/// <summary>
/// The effective knobs of one property: assembly [Properties] → outermost class → … → innermost
/// class → method [Property], where a knob counts only if it was written on that attribute (read
/// from the attribute's named arguments). Scalars: the more specific level wins. Arbitrary: lists
/// concatenated, the more specific level first. Then the environment overrides.
/// </summary>
public sealed record PropertySettings
{
    public const string ScaleVar = "IRQVERIFY_PROPERTY_SCALE";
    public const string SeedVar = "IRQVERIFY_PROPERTY_SEED";

    public int? MaxTest { get; init; }
    public int? MaxRejected { get; init; }
    public int? StartSize { get; init; }
    public int? EndSize { get; init; }
    public string? Replay { get; init; }
    public bool Verbose { get; init; }
    public bool QuietOnSuccess { get; init; }
    public IReadOnlyList<Type> Arbitrary { get; init; } = [];
    public bool Regressions { get; init; } = true;
    public int Timeout { get; init; }
    /// <summary>Draw a fresh seed per run (IRQVERIFY_PROPERTY_SEED=random) instead of the stable
    /// per-property seed that keeps CI deterministic.</summary>
    public bool RandomSeed { get; init; }
    /// <summary>Where the replay came from: "attribute" or the environment variable.</summary>
    public string? ReplaySource { get; init; }

    public static PropertySettings For(MethodInfo method)
    {
        var levels = new List<CustomAttributeData>();
        levels.AddRange(method.DeclaringType!.Assembly.GetCustomAttributesData().Where(a => a.AttributeType == typeof(PropertiesAttribute)));
        var chain = new List<Type>();
        for (var t = method.DeclaringType; t is not null; t = t.DeclaringType) chain.Add(t);
        chain.Reverse();
        foreach (var t in chain) levels.AddRange(t.GetCustomAttributesData().Where(a => a.AttributeType == typeof(PropertiesAttribute)));
        levels.AddRange(method.GetCustomAttributesData().Where(a => typeof(PropertyAttribute).IsAssignableFrom(a.AttributeType)));

        var s = new PropertySettings();
        foreach (var level in levels) s = s.Apply(level);
        return s.WithEnvironment(Environment.GetEnvironmentVariable(ScaleVar), Environment.GetEnvironmentVariable(SeedVar));
    }

    private PropertySettings Apply(CustomAttributeData a)
    {
        var s = this;
        foreach (var n in a.NamedArguments)
        {
            object? v = n.TypedValue.Value;
            s = n.MemberName switch
            {
                "MaxTest" => s with { MaxTest = (int)v! },
                "MaxRejected" => s with { MaxRejected = (int)v! },
                "StartSize" => s with { StartSize = (int)v! },
                "EndSize" => s with { EndSize = (int)v! },
                "Replay" => s with { Replay = (string?)v, ReplaySource = "attribute" },
                "Verbose" => s with { Verbose = (bool)v! },
                "QuietOnSuccess" => s with { QuietOnSuccess = (bool)v! },
                "Regressions" => s with { Regressions = (bool)v! },
                "Timeout" => s with { Timeout = (int)v! },
                "Arbitrary" => s with { Arbitrary = TypesOf(v).Concat(s.Arbitrary).ToList() },
                _ => s,
            };
        }
        return s;
    }

    private static IEnumerable<Type> TypesOf(object? v) =>
        v is IEnumerable<CustomAttributeTypedArgument> items ? items.Select(i => (Type)i.Value!) : [];

    /// <summary>Applies IRQVERIFY_PROPERTY_SCALE (a factor on MaxTest, default 100 cases) and
    /// IRQVERIFY_PROPERTY_SEED ("seed,gamma[,size]" replaces every Replay; "random" draws fresh seeds).</summary>
    public PropertySettings WithEnvironment(string? scale, string? seed)
    {
        var s = this;
        if (!string.IsNullOrWhiteSpace(scale) && double.TryParse(scale, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f > 0)
            s = s with { MaxTest = Math.Max(1, (int)Math.Round((s.MaxTest ?? 100) * f)) };
        if (string.Equals(seed?.Trim(), "random", StringComparison.OrdinalIgnoreCase)) s = s with { RandomSeed = true, Replay = null, ReplaySource = SeedVar };
        else if (!string.IsNullOrWhiteSpace(seed)) s = s with { Replay = seed, ReplaySource = SeedVar };
        return s;
    }

    /// <summary>Parses "seed,gamma[,size]" with or without parentheses.</summary>
    public static (ulong Seed, ulong Gamma, int? Size) ParseReplay(string text)
    {
        var parts = text.Trim().Trim('(', ')').Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 2 or > 3
            || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)
            || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong gamma))
            throw new FormatException($"Replay '{text}': expected \"seed,gamma\" or \"seed,gamma,size\"");
        int? size = null;
        if (parts.Length == 3)
        {
            if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int sz)) throw new FormatException($"Replay '{text}': bad size");
            size = sz;
        }
        return (seed, gamma | 1, size);
    }
}
