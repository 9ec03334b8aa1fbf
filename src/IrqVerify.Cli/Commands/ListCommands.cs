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
                stdout.WriteLine($"{bind}{ProgramParser.Signature(op)}{(op.IsEnvironment ? "   [environment]" : "")}");
                stdout.WriteLine($"    {op.Summary}");
            }
            return ExitCodes.Clean;
        });
        return cmd;
    }

    public static Command Invariants(TextWriter stdout)
    {
        var cmd = new Command("invariants", "List the invariant catalogue (spec §8) the model checks");
        cmd.SetAction(_ =>
        {
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
}
