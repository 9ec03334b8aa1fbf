using System.Text;
using IrqVerify.Model;
using IrqVerify.Model.Program;

namespace IrqVerify.Testing;

/// <summary>
/// Scenario files: a program in the textual format whose header comments say how to run it
/// (<c># machine: x.machine.json</c>, <c># variant: K10</c>, <c># expect: clean | I-V16, I-G2</c>),
/// next to its machine JSON. Counterexamples are written in this format, so pinning one as a
/// regression is a copy (<c>irqverify regress add</c>).
/// </summary>
public static class ScenarioFiles
{
    public const string MachineKey = "# machine:";
    public const string VariantKey = "# variant:";
    public const string ExpectKey = "# expect:";
    public const string DesignKey = "# design:";

    /// <summary>Writes <c>name.irq</c> and <c>name.machine.json</c> into <paramref name="dir"/>.</summary>
    public static (string Program, string Machine) Write(Scenario s, string dir, string name, IEnumerable<string>? expect, IEnumerable<string>? notes = null)
    {
        Directory.CreateDirectory(dir);
        string machinePath = Path.Combine(dir, name + ".machine.json");
        string programPath = Path.Combine(dir, name + ".irq");
        WriteAtomically(machinePath, s.Machine.ToJson() + "\n");
        WriteAtomically(programPath, Render(s, Path.GetFileName(machinePath), expect, notes));
        return (programPath, machinePath);
    }

    /// <summary>Write-then-rename: a concurrent reader (another test process replaying the same
    /// counterexample) sees the old file or the new one, never a half-written one.</summary>
    private static void WriteAtomically(string path, string text)
    {
        string tmp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The file text: directive header, free notes, the program.</summary>
    public static string Render(Scenario s, string machineRef, IEnumerable<string>? expect, IEnumerable<string>? notes = null)
    {
        var sb = new StringBuilder();
        foreach (var n in notes ?? []) sb.Append("# ").Append(n).Append('\n');
        sb.Append(MachineKey).Append(' ').Append(machineRef).Append('\n');
        if (Designs.DesignCatalog.ArgFor(s.Design) is { } design) sb.Append(DesignKey).Append(' ').Append(design).Append('\n');
        foreach (var v in s.Variants) sb.Append(VariantKey).Append(' ').Append(v).Append('\n');
        var ids = expect?.ToList() ?? [];
        sb.Append(ExpectKey).Append(' ').Append(ids.Count == 0 ? "clean" : string.Join(", ", ids)).Append('\n');
        foreach (var l in s.Program.Lines)
            if (!IsDirective(l.Print())) sb.Append(l.Print()).Append('\n');
        return sb.ToString();
    }

    private static bool IsDirective(string line) =>
        line.StartsWith(MachineKey, StringComparison.Ordinal) || line.StartsWith(VariantKey, StringComparison.Ordinal) ||
        line.StartsWith(ExpectKey, StringComparison.Ordinal) || line.StartsWith(DesignKey, StringComparison.Ordinal);

    /// <summary>One line that replays the program in a fresh process.</summary>
    public static string ReplayCommand(string programPath, string machinePath, IEnumerable<string> variants, string? designArg = null)
    {
        string cli = RepoRoot() is { } root ? Path.Combine(root, "src", "IrqVerify.Cli") : "src/IrqVerify.Cli";
        return $"dotnet run --project {cli} -- run {programPath} --machine {machinePath}{(designArg is null ? "" : " --design " + designArg)}{string.Concat(variants.Select(v => " --variant " + v))} --quiet";
    }

    /// <summary>One line that replays a pinned regression file (its directives name machine and variants).</summary>
    public static string RegressReplayCommand(string file)
    {
        string cli = RepoRoot() is { } root ? Path.Combine(root, "src", "IrqVerify.Cli") : "src/IrqVerify.Cli";
        return $"dotnet run --project {cli} -- regress run {file}";
    }

    /// <summary>The checkout root (the directory holding IrqVerify.sln) above the current assembly or directory.</summary>
    public static string? RepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "IrqVerify.sln"))) return d.FullName;
        return null;
    }

    /// <summary>Reads a scenario file: its directives and its program (parsed against its machine).</summary>
    public static (Scenario Scenario, IReadOnlyList<string>? Expect) Read(string path)
    {
        string text = File.ReadAllText(path);
        string? machineRef = null, design = null;
        var variants = new List<string>();
        IReadOnlyList<string>? expect = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith(MachineKey, StringComparison.Ordinal)) machineRef ??= line[MachineKey.Length..].Trim();
            else if (line.StartsWith(DesignKey, StringComparison.Ordinal)) design ??= line[DesignKey.Length..].Trim();
            else if (line.StartsWith(VariantKey, StringComparison.Ordinal))
                variants.AddRange(line[VariantKey.Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            else if (line.StartsWith(ExpectKey, StringComparison.Ordinal) && expect is null)
            {
                var v = line[ExpectKey.Length..].Trim();
                expect = v == "clean" ? [] : v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
        }
        var cfg = ResolveMachine(machineRef, Path.GetDirectoryName(Path.GetFullPath(path))!, path);
        var prog = ProgramParser.Parse(text, path, cfg);
        var d = design is null ? Model.Designs.Design.Linux : Designs.DesignCatalog.Resolve(design, Path.GetDirectoryName(Path.GetFullPath(path)));
        return (new Scenario(cfg, prog, variants.Distinct().ToList(), 0, Path.GetFileName(path)) { Design = d }, expect);
    }

    /// <summary>A machine reference: "default", a JSON path relative to the file, or a name in models/machines.</summary>
    public static MachineConfig ResolveMachine(string? reference, string baseDir, string fileForErrors)
    {
        if (reference is null or "default") return MachineConfig.Default();
        var local = Path.Combine(baseDir, reference);
        if (File.Exists(local)) return MachineConfig.Load(local);
        if (RepoRoot() is { } root)
            foreach (var cand in new[] { Path.Combine(root, "models", "machines", reference), Path.Combine(root, "models", "machines", reference + ".json") })
                if (File.Exists(cand)) return MachineConfig.Load(cand);
        throw new ModelInputException(fileForErrors, 1, 1, $"machine '{reference}' not found next to the file or in models/machines");
    }
}

/// <summary>A pinned program: replayed before every property run and checked for its expectation.</summary>
public sealed record RegressionCase(string Path, Scenario Scenario, IReadOnlyList<string> Expect)
{
    public bool ExpectsClean => Expect.Count == 0;
    public override string ToString() => System.IO.Path.GetFileName(Path);
}

/// <summary>The folder of pinned programs (tests/regressions, or $IRQVERIFY_REGRESSIONS).</summary>
public static class RegressionCorpus
{
    public const string EnvVar = "IRQVERIFY_REGRESSIONS";

    public static string? Directory()
    {
        var env = Environment.GetEnvironmentVariable(EnvVar);
        if (!string.IsNullOrEmpty(env)) return env;
        return ScenarioFiles.RepoRoot() is { } root ? System.IO.Path.Combine(root, "tests", "regressions") : null;
    }

    public static IReadOnlyList<RegressionCase> Load(string? dir = null)
    {
        dir ??= Directory();
        if (dir is null || !System.IO.Directory.Exists(dir)) return [];
        var list = new List<RegressionCase>();
        foreach (var f in System.IO.Directory.GetFiles(dir, "*.irq").OrderBy(f => f, StringComparer.Ordinal))
        {
            var (s, expect) = ScenarioFiles.Read(f);
            list.Add(new RegressionCase(f, s, expect ?? []));
        }
        return list;
    }

    /// <summary>Checks a pinned case: a clean one must run clean, an expected failure must fail with exactly those ids.</summary>
    public static (bool Ok, string Message) Check(RegressionCase c)
    {
        var o = ScenarioRunner.Run(c.Scenario, strict: true);
        var got = o.FailedIds.OrderBy(x => x, StringComparer.Ordinal).ToList();
        if (o.Crash is not null) return (false, $"{c}: {o.Describe()}");
        var want = c.Expect.OrderBy(x => x, StringComparer.Ordinal).ToList();
        if (got.SequenceEqual(want)) return (true, $"{c}: {(want.Count == 0 ? "clean" : string.Join(", ", want))} as pinned");
        return (false, $"{c}: pinned {(want.Count == 0 ? "clean" : string.Join(", ", want))}, got {(got.Count == 0 ? "clean" : string.Join(", ", got))}\n{o.Describe()}");
    }
}
