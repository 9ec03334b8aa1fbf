using System.CommandLine;
using IrqVerify.Model;
using IrqVerify.Testing.Designs;

namespace IrqVerify.Cli;

/// <summary>Loads the inputs every command shares (machine, variants), turning problems into ModelInputException.</summary>
public static class Inputs
{
    public static MachineConfig LoadMachine(string? path)
    {
        if (path is null) return MachineConfig.Default();
        if (!File.Exists(path)) throw new ModelInputException(path, 0, 0, "machine file not found");
        return MachineConfig.Load(path);
    }

    public static Variants ParseVariants(IEnumerable<string>? names)
    {
        var v = new Variants();
        foreach (string raw in names ?? [])
            foreach (string n in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (!v.TryEnable(n))
                    throw new ModelInputException("--variant", 0, 0, $"unknown variant '{n}' (known: {string.Join(", ", Variants.Names)})");
        return v;
    }

    /// <summary>The <c>--design</c> option every engine command takes.</summary>
    public static Option<string?> DesignOption() =>
        new("--design") { Description = "Boot a design: a name (irqverify designs), a design .dll, or a .csproj (built first)" };

    /// <summary>Variants with the design named by <paramref name="design"/> (null: Linux) booted.</summary>
    public static Variants ParseVariants(IEnumerable<string>? names, string? design)
    {
        var v = ParseVariants(names);
        if (design is not null) v.Design = DesignCatalog.Resolve(design);
        return v;
    }

    /// <summary>" --design ARG" that boots <paramref name="v"/>'s design again ("" for Linux).</summary>
    public static string DesignFlag(Variants v) => DesignCatalog.ArgFor(v.Design) is { } a ? " --design " + a : "";

    public static string ReadText(string path)
    {
        if (!File.Exists(path)) throw new ModelInputException(path, 0, 0, "file not found");
        return File.ReadAllText(path);
    }

    /// <summary>"file:line:col: problem" (line/col omitted when unknown).</summary>
    public static string Format(ModelInputException e) =>
        e.Line > 0 ? $"{e.File}:{e.Line}:{e.Column}: {e.Problem}" : $"{e.File}: {e.Problem}";

    /// <summary>Where every command writes its files unless told otherwise (gitignored).</summary>
    public const string OutRoot = "irqverify-out";

    /// <summary>The output folder of a command: <paramref name="given"/> (--out), else irqverify-out/SUB.</summary>
    public static string OutDir(string? given, string sub) => given ?? Path.Combine(OutRoot, sub);
}
