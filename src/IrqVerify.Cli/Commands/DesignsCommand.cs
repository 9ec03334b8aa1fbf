using System.CommandLine;
using IrqVerify.Testing.Designs;

namespace IrqVerify.Cli.Commands;

/// <summary>irqverify designs: the designs `--design NAME` boots, one line each (name, debate, what it changes).</summary>
public static class DesignsCommand
{
    public static Command Build(TextWriter stdout)
    {
        var cmd = new Command("designs", "List the designs --design NAME boots (a .dll or .csproj path loads any other)");
        cmd.SetAction(_ =>
        {
            foreach (var d in DesignCatalog.Builtin)
                stdout.WriteLine($"{d.Name,-22} {(d.Debate ?? (d.IsLinux ? "reference" : "")),-10} {d.Summary}");
            return ExitCodes.Clean;
        });
        return cmd;
    }
}
