using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using IrqVerify.Designs.ContiguousMultiMsi;
using IrqVerify.Designs.Msix2004;
using IrqVerify.Designs.XenSharedIrq;
using IrqVerify.Model;
using IrqVerify.Model.Designs;

namespace IrqVerify.Testing.Designs;

/// <summary>
/// The designs a command can boot: Linux, the designs of models/designs that ship with the tool (by
/// name), and any design assembly given by path (a .dll, or a .csproj built with `dotnet build`
/// first). A design is a public non-abstract subclass of <see cref="Design"/> with a parameterless
/// constructor.
/// </summary>
public static class DesignCatalog
{
    private static readonly Assembly[] Shipped =
        [typeof(Msix2004Design).Assembly, typeof(ContiguousMultiMsiDesign).Assembly, typeof(XenSharedIrqDesign).Assembly];

    /// <summary>Linux first, then the shipped designs by name.</summary>
    public static IReadOnlyList<Design> Builtin { get; } =
        [Design.Linux, .. Shipped.SelectMany(DesignsIn).OrderBy(d => d.Debate ?? "~", StringComparer.Ordinal).ThenBy(d => d.Name, StringComparer.Ordinal)];

    /// <summary>The design a shipped name or a path names (<c>--design</c>); bad input throws
    /// <see cref="ModelInputException"/> naming it. <paramref name="baseDir"/> anchors relative paths.</summary>
    public static Design Resolve(string arg, string? baseDir = null)
    {
        string a = arg.Trim();
        if (a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || a.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
        {
            string path = Path.GetFullPath(baseDir is null ? a : Path.Combine(baseDir, a));
            if (!File.Exists(path)) throw new ModelInputException(arg, 0, 0, "design file not found");
            string dll = path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) ? Build(path) : path;
            var found = DesignsIn(Load(dll)).ToList();
            if (found.Count != 1)
                throw new ModelInputException(arg, 0, 0, found.Count == 0
                    ? "no design in it (a public class deriving IrqVerify.Model.Designs.Design with a parameterless constructor)"
                    : $"{found.Count} designs in it ({string.Join(", ", found.Select(d => d.Name))}): keep one per assembly");
            found[0].Source = path;
            return found[0];
        }
        foreach (var d in Builtin)
            if (d.Name.Equals(a, StringComparison.OrdinalIgnoreCase)) return d;
        throw new ModelInputException("--design", 0, 0, $"unknown design '{arg}' (known: {string.Join(", ", Builtin.Select(d => d.Name))}; or a path to a .dll or .csproj)");
    }

    /// <summary>What to pass to <c>--design</c> to boot <paramref name="d"/> again (null for Linux).</summary>
    public static string? ArgFor(Design d) => d.Arg;

    private static IEnumerable<Design> DesignsIn(Assembly asm)
    {
        Type[] types;
        try { types = asm.GetExportedTypes(); }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw new ModelInputException(asm.Location, 0, 0, $"cannot load its types: {e.Message}");
        }
        foreach (var t in types.OrderBy(t => t.FullName, StringComparer.Ordinal))
            if (!t.IsAbstract && typeof(Design).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is { } ctor)
                yield return (Design)ctor.Invoke(null);
    }

    /// <summary>Loads into this code's load context, so the design binds to the model this code runs
    /// (the tool's fuzzing loop runs in a second context, on the instrumented model); an assembly of
    /// the same name already loaded there is reused.</summary>
    private static Assembly Load(string dll)
    {
        var name = AssemblyName.GetAssemblyName(dll);
        var context = AssemblyLoadContext.GetLoadContext(typeof(DesignCatalog).Assembly) ?? AssemblyLoadContext.Default;
        foreach (var loaded in context.Assemblies)
            if (AssemblyName.ReferenceMatchesDefinition(loaded.GetName(), name) && loaded.GetName().Name == name.Name) return loaded;
        try { return context.LoadFromAssemblyPath(dll); }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new ModelInputException(dll, 0, 0, $"not a loadable .NET assembly: {e.Message}");
        }
    }

    /// <summary>`dotnet build` of the project, then its TargetPath.</summary>
    private static string Build(string csproj)
    {
        var (code, output) = Dotnet("build", csproj, "-nologo", "-v", "q", "-clp:ErrorsOnly");
        if (code != 0)
        {
            string first = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? $"exit code {code}";
            throw new ModelInputException(csproj, 0, 0, "dotnet build failed: " + first);
        }
        var (c2, target) = Dotnet("msbuild", csproj, "-nologo", "-getProperty:TargetPath");
        string dll = target.Trim();
        if (c2 != 0 || !File.Exists(dll)) throw new ModelInputException(csproj, 0, 0, $"built, but its assembly '{dll}' is missing");
        return dll;
    }

    private static (int Code, string Output) Dotnet(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new ModelInputException("dotnet", 0, 0, "cannot start the .NET SDK (dotnet)");
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }
}
