using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace IrqVerify.Conformance.Native;

/// <summary>
/// Builds (once per kernel source and stand-in version) the kernel's kernel/irq/matrix.c into a
/// shared library with native/build-matrix.sh. The build directory is keyed by a hash of the
/// stand-in headers, the glue and the kernel source's identity, so a rebuild happens only when one
/// of them changes (extracting the tarball takes ~15 s).
/// </summary>
public static class KernelMatrixBuild
{
    public const string DefaultTarball = "/usr/src/linux-source-6.12.tar.xz";

    /// <summary>The folder holding build-matrix.sh, include/ and glue/ next to the assembly.</summary>
    public static string NativeDir => Path.Combine(AppContext.BaseDirectory, "native");

    /// <summary>Builds (or reuses) the library under <paramref name="cacheRoot"/>; <paramref name="kernelSrc"/>
    /// is a Linux tree, or null for the linux-source-6.12 tarball. The build folder keeps the two
    /// extracted kernel files under src/ (laid out as a tree, usable as --kernel-src).</summary>
    public static KernelMatrixBuildResult Ensure(string cacheRoot, string? kernelSrc)
    {
        string script = Path.Combine(NativeDir, "build-matrix.sh");
        if (!File.Exists(script)) throw new KernelMatrixBuildException($"{script}: not found (the conformance assembly was deployed without its native folder)");
        if (kernelSrc is not null && !File.Exists(Path.Combine(kernelSrc, "kernel/irq/matrix.c")))
            throw new KernelMatrixBuildException($"{kernelSrc}/kernel/irq/matrix.c: not found (--kernel-src must be a Linux source tree)");
        string dir = Path.Combine(Path.GetFullPath(cacheRoot), "kmatrix-" + Key(kernelSrc));
        string lib = Path.Combine(dir, "libkmatrix.so");
        string versionFile = Path.Combine(dir, "kernel-version.txt");
        if (!File.Exists(lib) || !File.Exists(versionFile))
        {
            // Build next to the final folder, then move it in: a concurrent run sees all or nothing.
            string tmp = dir + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
            RunScript(script, tmp, kernelSrc);
            try { Directory.Move(tmp, dir); }
            catch (IOException) when (File.Exists(lib)) { Directory.Delete(tmp, recursive: true); }
        }
        return new KernelMatrixBuildResult(lib, File.ReadAllText(versionFile).Trim());
    }

    private static void RunScript(string script, string outDir, string? kernelSrc)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("--out");
        psi.ArgumentList.Add(outDir);
        if (kernelSrc is not null)
        {
            psi.ArgumentList.Add("--kernel-src");
            psi.ArgumentList.Add(Path.GetFullPath(kernelSrc));
        }
        using var p = Process.Start(psi) ?? throw new KernelMatrixBuildException("bash: could not start the build script");
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string err = stderr.Result.Trim();
        if (p.ExitCode != 0)
        {
            string line = err.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"build-matrix.sh exited {p.ExitCode}";
            throw new KernelMatrixBuildException(line);
        }
    }

    /// <summary>Hash of every native file plus the kernel source's identity (tarball size and time, or
    /// the tree's matrix.c and irq_matrix.h contents).</summary>
    private static string Key(string? kernelSrc)
    {
        var sb = new StringBuilder();
        foreach (string f in Directory.EnumerateFiles(NativeDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            sb.Append(Path.GetRelativePath(NativeDir, f)).Append('\0').Append(File.ReadAllText(f)).Append('\0');
        if (kernelSrc is null)
        {
            var fi = new FileInfo(DefaultTarball);
            sb.Append(DefaultTarball).Append(fi.Exists ? fi.Length + "@" + fi.LastWriteTimeUtc.Ticks : "absent");
        }
        else
        {
            foreach (string f in new[] { "kernel/irq/matrix.c", "include/trace/events/irq_matrix.h", "Makefile" })
            {
                string p = Path.Combine(kernelSrc, f);
                sb.Append(f).Append('\0').Append(File.Exists(p) ? File.ReadAllText(p) : "absent");
            }
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16].ToLowerInvariant();
    }
}

/// <summary>The built library and the kernel version it was compiled from.</summary>
public sealed record KernelMatrixBuildResult(string LibraryPath, string KernelVersion);
