using System.CommandLine;
using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Verdict;

namespace IrqVerify.Cli.Commands;

/// <summary>
/// irqverify run PROGRAM [--machine JSON] [--design D] [--variant K..]: runs a program, prints the trace and the
/// final dump and each finding with its class; exit 0 when no finding fails (caller misuse and known
/// upstream behaviour are labelled, and fail only under --strict), 1 naming what failed, 2 on bad input.
/// </summary>
public static class RunCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var program = new Argument<string>("program") { Description = "Program file (one operation per line, see README)" };
        var machine = new Option<string?>("--machine") { Description = "Machine configuration JSON (default: the built-in 4-CPU machine)" };
        var variant = new Option<string[]>("--variant") { Description = "Re-inject a known bug: K1..K15 (repeatable)", AllowMultipleArgumentsPerToken = true };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the verdict and, on a failure, the replay line" };
        var noDrain = new Option<bool>("--no-drain") { Description = "Do not drain to quiescence (skips the eventual invariants)" };
        var strict = new Option<bool>("--strict") { Description = "Caller misuse and known upstream findings fail too (exit 1)" };
        var design = Inputs.DesignOption();
        var cmd = new Command("run", "Run an operation program on the model and check every invariant") { program, machine, variant, design, quiet, noDrain, strict };
        cmd.SetAction(p => Execute(p.GetValue(program)!, p.GetValue(machine), p.GetValue(variant), p.GetValue(quiet), p.GetValue(noDrain), stdout, stderr, p.GetValue(strict), p.GetValue(design)));
        return cmd;
    }

    public static int Execute(string programPath, string? machinePath, string[]? variantNames, bool quiet, bool noDrain, TextWriter stdout, TextWriter stderr, bool strict = false, string? design = null)
    {
        MachineConfig cfg;
        Variants variants;
        IrqProgram prog;
        try
        {
            cfg = Inputs.LoadMachine(machinePath);
            variants = Inputs.ParseVariants(variantNames, design);
            prog = ProgramParser.Parse(Inputs.ReadText(programPath), programPath, cfg);
        }
        catch (ModelInputException e)
        {
            stderr.WriteLine(Inputs.Format(e));
            return ExitCodes.BadInput;
        }

        var m = new Machine(cfg, variants, trace: quiet ? null : new WriterTrace(stdout));
        if (!quiet)
        {
            stdout.WriteLine($"irqverify run {programPath} (machine {cfg.Name}, variant {variants})");
            m.Diagnostics.Sink = d => stdout.WriteLine($"      {d}");
        }
        var report = ProgramRunner.Run(m, prog, new RunOptions { Log = quiet ? null : stdout, Drain = !noDrain });

        if (!quiet)
        {
            stdout.WriteLine();
            stdout.WriteLine("== final state ==");
            m.Dump(stdout);
            stdout.WriteLine();
        }
        return Verdict(report, prog.CallCount, m.Diagnostics.Items.Count(d => d.Severity != Severity.Info), strict, quiet, stdout,
            $"irqverify run {programPath}{(machinePath is null ? "" : $" --machine {machinePath}")}{Inputs.DesignFlag(m.Variants)}{string.Concat(m.Variants.Enabled().Select(n => $" --variant {n}"))}{(strict ? " --strict" : "")}");
    }

    /// <summary>The verdict every sequential command prints: each finding with its class (violation,
    /// misuse, known upstream behaviour and why), one verdict line, and the replay line of a failure.
    /// Exit 1 when a finding fails (a violation; under strict any finding), else 0.</summary>
    public static int Verdict(RunReport report, int calls, int warnings, bool strict, bool quiet, TextWriter stdout, string replay)
    {
        var failing = report.Failing(strict).ToList();
        if (!quiet)
            foreach (var v in report.Violations.Where(v => !v.Fails(strict)))
                stdout.WriteLine($"  {v.Labelled()}");
        string excused = Excused(report, strict);
        if (failing.Count == 0)
        {
            stdout.WriteLine($"OK: {calls} operations, no violation{excused} ({warnings} warning(s)/contract report(s))");
            return ExitCodes.Clean;
        }
        stdout.WriteLine($"FAIL: {failing.Count} finding(s) of {string.Join(", ", failing.Select(v => v.Violation.Id).Distinct())}{excused}");
        if (!quiet) foreach (var v in failing) stdout.WriteLine($"  {v.Labelled()}");
        stdout.WriteLine($"replay: {replay}");
        return ExitCodes.Found;
    }

    /// <summary>", 1 known upstream finding (F1), 2 caller misuse" for the findings that do not fail.</summary>
    private static string Excused(RunReport report, bool strict)
    {
        if (strict) return "";
        var known = report.Violations.Where(v => v.Class.Class == FindingClass.Known).ToList();
        int misuse = report.Violations.Count(v => v.Class.Class == FindingClass.Misuse);
        string k = known.Count == 0 ? "" : $", {known.Count} known upstream finding(s) ({string.Join(", ", known.Select(v => v.Class.KnownId).Distinct())})";
        string u = misuse == 0 ? "" : $", {misuse} caller misuse finding(s)";
        return k + u;
    }
}
