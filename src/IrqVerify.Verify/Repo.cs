namespace IrqVerify.Verify;

/// <summary>Directories of the checkout the engines read (scenarios, example programs, regressions).</summary>
public static class Repo
{
    /// <summary>The directory holding IrqVerify.sln above the working directory or the assembly; for
    /// an installed tool, the data/ folder it carries in the same layout.</summary>
    public static string? Root()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "IrqVerify.sln"))) return d.FullName;
        string data = Path.Combine(AppContext.BaseDirectory, "data");
        return Directory.Exists(Path.Combine(data, "models", "scenarios")) ? data : null;
    }

    public static string? Scenarios(string? given)
    {
        if (given is not null) return Directory.Exists(given) ? given : null;
        return Root() is { } r && Directory.Exists(Path.Combine(r, "models", "scenarios")) ? Path.Combine(r, "models", "scenarios") : null;
    }

    /// <summary>Seed programs of the fuzzer: the example programs, the pinned regressions and verify's own
    /// seeds (programs written for the fuzz machine, e.g. IRTE fragmentation before multi-MSI).</summary>
    public static IEnumerable<string> SeedDirs()
    {
        if (Root() is not { } r) yield break;
        yield return Path.Combine(r, "models", "examples");
        yield return Path.Combine(r, "tests", "regressions");
        yield return Path.Combine(r, "src", "IrqVerify.Verify", "seeds");
    }

    /// <summary>The scenario files, in name order (deterministic).</summary>
    public static IReadOnlyList<string> ScenarioFiles(string? dir)
    {
        string root = Scenarios(dir) ?? throw new IrqVerify.Model.ModelInputException(dir ?? "models/scenarios", 0, 0, "scenario directory not found");
        return Directory.GetFiles(root, "*.scn").OrderBy(f => f, StringComparer.Ordinal).ToList();
    }
}
