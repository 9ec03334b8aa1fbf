using System.CommandLine;
using IrqVerify.Explorer;
using IrqVerify.Model;

namespace IrqVerify.Cli.Commands;

/// <summary>
/// irqverify replay FILE: forces the schedule file's decisions on its scenario in this process and
/// prints the per-CPU timeline; exit 1 when the recorded failure reproduces (any failure), 0 when
/// the schedule now runs clean, 2 on bad input.
/// </summary>
public static class ReplayCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("schedule") { Description = "Schedule file written by explore" };
        var dump = new Option<bool>("--dump") { Description = "Also print the final machine state" };
        var strict = new Option<bool>("--strict") { Description = "Caller misuse and known upstream findings fail too" };
        var design = Inputs.DesignOption();
        var cmd = new Command("replay", "Replay a schedule file and print its per-CPU timeline") { file, dump, strict, design };
        cmd.SetAction(p =>
        {
            try
            {
                return Execute(p.GetValue(file)!, p.GetValue(dump), stdout, p.GetValue(strict), p.GetValue(design));
            }
            catch (ModelInputException e)
            {
                stderr.WriteLine(Inputs.Format(e));
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    public static int Execute(string path, bool dump, TextWriter stdout, bool strict = false, string? design = null)
    {
        var (f, s, v) = Replayer.Load(path);
        if (design is not null) v.Design = Testing.Designs.DesignCatalog.Resolve(design);
        stdout.WriteLine($"irqverify replay {path}: scenario {s.Name}, variant {v}, {f.Decisions.Count} decision(s)");
        if (f.FailureText.Length > 0) stdout.WriteLine($"recorded: {f.FailureText}");
        var r = Replayer.Run(s, v, f.Decisions, strict: strict);
        stdout.WriteLine();
        stdout.Write(r.Timeline.Print());
        if (r.Divergences > 0) stdout.WriteLine($"note: {r.Divergences} recorded decision(s) could not be followed (model changed?); the default was taken");
        if (dump)
        {
            stdout.WriteLine();
            stdout.WriteLine("== final state ==");
            stdout.Write(r.FinalState);
        }
        stdout.WriteLine();
        if (r.Failure is { } fail)
        {
            stdout.WriteLine($"REPRODUCED: {fail.Summary}");
            foreach (var m in fail.Messages.Take(6)) stdout.WriteLine("  " + m);
            return ExitCodes.Found;
        }
        stdout.WriteLine("clean: the schedule no longer fails");
        return ExitCodes.Clean;
    }
}
