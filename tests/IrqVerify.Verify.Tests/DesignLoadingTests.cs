using IrqVerify.Cli;
using IrqVerify.Model.Designs;
using IrqVerify.Testing.Designs;

namespace IrqVerify.Verify.Tests;

/// <summary>--design by name, by a separate project's path (built first), and bad input.</summary>
public class DesignLoadingTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static string Repo(params string[] parts)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "IrqVerify.sln"))) return Path.Combine([d.FullName, .. parts]);
        throw new InvalidOperationException("no checkout above the test assembly");
    }

    [Fact]
    public void Designs_lists_linux_and_one_design_per_seed_debate()
    {
        var (code, output, _) = Cli("designs");
        Assert.Equal(0, code);
        var names = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToList();
        Assert.Equal(["linux", "msix-2004", "contiguous-multi-msi", "xen-shared-irq"], names);
        Assert.Contains("seed 002", output);
    }

    [Fact]
    public void A_design_in_a_separate_project_loads_by_its_csproj_path()
    {
        string csproj = Repo("models", "designs", "Template", "IrqVerify.Designs.Template.csproj");
        var d = DesignCatalog.Resolve(csproj);
        Assert.Equal("packed-vectors", d.Name);
        Assert.IsNotType<LinuxVectorAssigner>(d.VectorAssigner);
        Assert.IsType<LinuxMsixContract>(d.MsixContract);
        Assert.Equal(csproj, d.Arg);
        // The built assembly loads by path too, and boots a run.
        var (code, output, err) = Cli("run", Repo("models", "examples", "vector-move-cleanup-offline.irq"), "--design", csproj, "--quiet");
        Assert.Equal("", err);
        Assert.Equal(0, code);
        Assert.StartsWith("OK:", output);
    }

    [Fact]
    public void Run_with_a_shipped_design_names_it_in_the_replay_line()
    {
        var (code, output, _) = Cli("run", Repo("models", "examples", "msix-request-fails-unwind.irq"), "--design", "msix-2004", "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("FAIL: ", output);
        Assert.Contains($"replay: irqverify run {Repo("models", "examples", "msix-request-fails-unwind.irq")} --design msix-2004", output);
    }

    [Theory]
    [InlineData("nope", "--design: unknown design 'nope' (known: linux, msix-2004, contiguous-multi-msi, xen-shared-irq; or a path to a .dll or .csproj)")]
    [InlineData("missing/Design.dll", "missing/Design.dll: design file not found")]
    public void A_bad_design_is_one_line_and_exit_2(string arg, string message)
    {
        foreach (var cmd in new[] { "run", "explore" })
        {
            string target = cmd == "run" ? Repo("models", "examples", "xen-lateeoi.irq") : Repo("models", "scenarios", "xen-rebind-2l.scn");
            var (code, _, err) = Cli(cmd, target, "--design", arg);
            Assert.Equal(2, code);
            Assert.Equal(message, err.TrimEnd('\n'));
        }
        foreach (var cmd in new[] { "verify", "fuzz", "compare" })
        {
            var (code, _, err) = Cli(cmd, "--design", arg);
            Assert.Equal(2, code);
            Assert.Equal(message, err.TrimEnd('\n'));
        }
    }
}
