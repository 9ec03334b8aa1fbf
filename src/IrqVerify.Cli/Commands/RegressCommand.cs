using System.CommandLine;
using IrqVerify.Model;
using IrqVerify.Testing;

namespace IrqVerify.Cli.Commands;

/// <summary>
/// irqverify regress add PROGRAM [--machine JSON] [--variant ..] [--expect ids|clean] [--name N]:
/// pins a program (typically a counterexample the property suite wrote) in tests/regressions,
/// which every property run replays first. irqverify regress run [FILE|DIR]: checks pinned
/// programs against their "# expect:" line (exit 0 all as pinned, 1 otherwise).
/// </summary>
public static class RegressCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var cmd = new Command("regress", "Pinned regression programs (tests/regressions): add one, or replay them");
        cmd.Subcommands.Add(Add(stdout, stderr));
        cmd.Subcommands.Add(RunPinned(stdout, stderr));
        return cmd;
    }

    private static Command Add(TextWriter stdout, TextWriter stderr)
    {
        var program = new Argument<string>("program") { Description = "Program file (a counterexample file carries its own # machine:/# variant: lines)" };
        var machine = new Option<string?>("--machine") { Description = "Machine JSON (default: the file's # machine: line, else the built-in machine)" };
        var variant = new Option<string[]>("--variant") { Description = "Variants to turn on (repeatable)", AllowMultipleArgumentsPerToken = true };
        var expect = new Option<string?>("--expect") { Description = "Expected violation ids, comma separated, or 'clean' (default: what the program violates now)" };
        var name = new Option<string?>("--name") { Description = "File name in tests/regressions (default: the program's name)" };
        var dir = new Option<string?>("--dir") { Description = "Regression folder (default: tests/regressions of this checkout)" };
        var cmd = new Command("add", "Pin a program as a regression") { program, machine, variant, expect, name, dir };
        cmd.SetAction(p => ExecuteAdd(p.GetValue(program)!, p.GetValue(machine), p.GetValue(variant), p.GetValue(expect), p.GetValue(name), p.GetValue(dir), stdout, stderr));
        return cmd;
    }

    private static Command RunPinned(TextWriter stdout, TextWriter stderr)
    {
        var path = new Argument<string?>("path") { Description = "A pinned file or folder (default: tests/regressions)", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("run", "Replay pinned programs and check their # expect: line") { path };
        cmd.SetAction(p => ExecuteRun(p.GetValue(path), stdout, stderr));
        return cmd;
    }

    public static int ExecuteAdd(string programPath, string? machinePath, string[]? variantNames, string? expect, string? name, string? dir, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var (read, _) = ScenarioFiles.Read(programPath);
            var cfg = machinePath is null ? read.Machine : Inputs.LoadMachine(machinePath);
            var extra = Inputs.ParseVariants(variantNames).Enabled();
            var variants = read.Variants.Concat(extra).Distinct().ToList();
            var prog = machinePath is null ? read.Program : Model.Program.ProgramParser.Parse(Inputs.ReadText(programPath), programPath, cfg);
            var s = new Scenario(cfg, prog, variants);
            var ids = expect is null ? ScenarioRunner.Run(s, strict: true).FailedIds.OrderBy(x => x, StringComparer.Ordinal).ToList()
                : expect == "clean" ? [] : expect.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            string target = dir ?? RegressionCorpus.Directory() ?? throw new ModelInputException("--dir", 0, 0, "no tests/regressions folder above here; pass --dir");
            string baseName = name ?? Path.GetFileNameWithoutExtension(programPath);
            var (file, machineFile) = ScenarioFiles.Write(s, target, baseName, ids, [$"pinned from {Path.GetFileName(programPath)}"]);
            stdout.WriteLine($"pinned {file} (machine {Path.GetFileName(machineFile)}, expect {(ids.Count == 0 ? "clean" : string.Join(", ", ids))})");
            stdout.WriteLine($"replay: irqverify regress run {file}");
            return ExitCodes.Clean;
        }
        catch (ModelInputException e)
        {
            stderr.WriteLine(Inputs.Format(e));
            return ExitCodes.BadInput;
        }
    }

    public static int ExecuteRun(string? path, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            path ??= RegressionCorpus.Directory();
            IReadOnlyList<RegressionCase> cases;
            if (path is not null && File.Exists(path))
            {
                var (s, expect) = ScenarioFiles.Read(path);
                cases = [new RegressionCase(path, s, expect ?? [])];
            }
            else cases = RegressionCorpus.Load(path);
            int bad = 0;
            foreach (var c in cases)
            {
                var (ok, msg) = RegressionCorpus.Check(c);
                stdout.WriteLine((ok ? "ok   " : "FAIL ") + msg);
                if (!ok) bad++;
            }
            stdout.WriteLine($"{cases.Count - bad}/{cases.Count} pinned program(s) as expected");
            return bad == 0 ? ExitCodes.Clean : ExitCodes.Found;
        }
        catch (ModelInputException e)
        {
            stderr.WriteLine(Inputs.Format(e));
            return ExitCodes.BadInput;
        }
    }
}
