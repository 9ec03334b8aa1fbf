using System.CommandLine;
using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Cli.Commands;

/// <summary>
/// irqverify run PROGRAM [--machine JSON] [--variant K..]: runs a program, prints the trace and the
/// final dump; exit 0 when every invariant holds, 1 naming the violated ones, 2 on bad input.
/// </summary>
public static class RunCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var program = new Argument<string>("program") { Description = "Program file (one operation per line, see README)" };
        var machine = new Option<string?>("--machine") { Description = "Machine configuration JSON (default: the built-in 4-CPU machine)" };
        var variant = new Option<string[]>("--variant") { Description = "Turn on a variant: K1..K15 or contiguous-multi-msi (repeatable)", AllowMultipleArgumentsPerToken = true };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the operations and the result, not the step trace and dump" };
        var noDrain = new Option<bool>("--no-drain") { Description = "Do not drain to quiescence (skips the eventual invariants)" };
        var cmd = new Command("run", "Run an operation program on the model and check every invariant") { program, machine, variant, quiet, noDrain };
        cmd.SetAction(p => Execute(p.GetValue(program)!, p.GetValue(machine), p.GetValue(variant), p.GetValue(quiet), p.GetValue(noDrain), stdout, stderr));
        return cmd;
    }

    public static int Execute(string programPath, string? machinePath, string[]? variantNames, bool quiet, bool noDrain, TextWriter stdout, TextWriter stderr)
    {
        MachineConfig cfg;
        Variants variants;
        IrqProgram prog;
        try
        {
            cfg = Inputs.LoadMachine(machinePath);
            variants = Inputs.ParseVariants(variantNames);
            prog = ProgramParser.Parse(Inputs.ReadText(programPath), programPath, cfg);
        }
        catch (ModelInputException e)
        {
            stderr.WriteLine(Inputs.Format(e));
            return ExitCodes.BadInput;
        }

        stdout.WriteLine($"irqverify run {programPath} (machine {cfg.Name}, variant {variants})");
        var trace = quiet ? null : new WriterTrace(stdout);
        var m = new Machine(cfg, variants, trace: trace);
        m.Diagnostics.Sink = d => stdout.WriteLine($"      {d}");
        var report = ProgramRunner.Run(m, prog, new RunOptions { Log = stdout, Drain = !noDrain });

        if (!quiet)
        {
            stdout.WriteLine();
            stdout.WriteLine("== final state ==");
            m.Dump(stdout);
        }
        stdout.WriteLine();
        int warns = m.Diagnostics.Items.Count(d => d.Severity != Severity.Info);
        if (report.Ok)
        {
            stdout.WriteLine($"OK: {prog.CallCount} operations, every invariant holds ({warns} warning(s)/contract report(s))");
            return ExitCodes.Clean;
        }
        stdout.WriteLine($"FAIL: {report.Violations.Count} violation(s) of {string.Join(", ", report.ViolatedIds)}");
        foreach (var v in report.Violations) stdout.WriteLine($"  {v}");
        string vflags = string.Concat(m.Variants.Enabled().Select(n => $" --variant {n}"));
        string mflag = machinePath is null ? "" : $" --machine {machinePath}";
        stdout.WriteLine($"replay: irqverify run {programPath}{mflag}{vflags}");
        return ExitCodes.Found;
    }
}
