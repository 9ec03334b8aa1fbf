using System.CommandLine;
using IrqVerify.Model;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Program;

namespace IrqVerify.Cli.Commands;

/// <summary>Reference listings: the operation vocabulary, the invariant catalogue, the default machine.</summary>
public static class ListCommands
{
    public static Command Ops(TextWriter stdout)
    {
        var cmd = new Command("ops", "List the program vocabulary (every operation with its signature)");
        cmd.SetAction(_ =>
        {
            foreach (var op in OpCatalog.Default.All)
            {
                string bind = op.Result == ResultKind.None ? "" : $"{op.Result.ToString().ToLowerInvariant()} = ";
                stdout.WriteLine($"{bind}{ProgramParser.Signature(op)}{(op.IsEnvironment ? "   [environment]" : "")}{(op.PeerHarness ? "   [peer-suite harness: never generated]" : "")}");
                stdout.WriteLine($"    {op.Summary}");
            }
            return ExitCodes.Clean;
        });
        return cmd;
    }

    public static Command Invariants(TextWriter stdout)
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print the catalogue as the Markdown table of docs/model.md" };
        var cmd = new Command("invariants", "List the invariant catalogue the model checks") { markdown };
        cmd.SetAction(p =>
        {
            if (p.GetValue(markdown)) { stdout.Write(CatalogueMarkdown()); return ExitCodes.Clean; }
            foreach (var c in InvariantCatalog.All)
                stdout.WriteLine($"{c.Id,-6} {c.Kind,-8} {c.Summary}");
            return ExitCodes.Clean;
        });
        return cmd;
    }

    public static Command Machine(TextWriter stdout, TextWriter stderr)
    {
        var file = new Option<string?>("--machine") { Description = "Validate and print this machine instead of the default" };
        var cmd = new Command("machine", "Print the (default or given) machine configuration as JSON") { file };
        cmd.SetAction(p =>
        {
            try
            {
                stdout.WriteLine(Inputs.LoadMachine(p.GetValue(file)).ToJson());
                return ExitCodes.Clean;
            }
            catch (ModelInputException e)
            {
                stderr.WriteLine(Inputs.Format(e));
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    /// <summary>The catalogue as a Markdown table: docs/model.md carries exactly this text (a test
    /// compares), so the documented catalogue cannot drift from the checks.</summary>
    public static string CatalogueMarkdown()
    {
        var sb = new System.Text.StringBuilder("| id | kind | what must hold |\n|---|---|---|\n");
        foreach (var c in InvariantCatalog.All)
            sb.Append($"| {c.Id} | {(c.Kind == InvariantKind.Safety ? "after every step" : "at quiescence")} | {c.Summary.Replace("|", "\\|")} |\n");
        return sb.ToString();
    }
}
