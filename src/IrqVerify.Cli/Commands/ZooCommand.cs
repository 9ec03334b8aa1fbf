using System.CommandLine;
using IrqVerify.Model;
using IrqVerify.Verify;

namespace IrqVerify.Cli.Commands;

/// <summary>
/// irqverify zoo [--engines props,explore,fuzz,coyote (native = explore)] [--budget-per-bug 10s] [--seeds 5] [--json file] [--junit file] [--ci]
/// [--variant K..]: each engine against each known bug (K1..K15), detection
/// differential against the reference model; prints variant, engines that detected it, median time
/// and iterations to first detection, invariants. Exit 0 when every bug was detected, 1 when one was
/// missed, 2 on bad input.
/// </summary>
public static class ZooCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var engines = new Option<string>("--engines") { Description = "Comma-separated engines: props, explore (or native), fuzz, coyote (Coyote's TestingEngine on the race scenarios)", DefaultValueFactory = _ => "props,explore,fuzz" };
        var budget = new Option<string?>("--budget-per-bug") { Description = "Budget per bug, engine and seed (default 10s; --ci: 6s)" };
        var seeds = new Option<int?>("--seeds") { Description = "Seeds per randomized engine (default 5; --ci: 1)" };
        var json = new Option<string?>("--json") { Description = "Also write the table as JSON to this file" };
        var ci = new Option<bool>("--ci") { Description = "CI profile: races to the explorer only, sequential bugs to fuzz and props, one seed, small budget" };
        var variant = new Option<string[]>("--variant") { Description = "Only these variants (repeatable)", AllowMultipleArgumentsPerToken = true };
        var junit = CiOptions.JUnit();
        var cmd = new Command("zoo", "Run every engine against every known bug and tabulate what detects what") { engines, budget, seeds, json, ci, variant, junit };
        cmd.SetAction(p =>
        {
            try
            {
                var baseOpts = p.GetValue(ci) ? ZooOptions.Ci() : new ZooOptions();
                int s = p.GetValue(seeds) ?? baseOpts.Seeds;
                if (s < 1) throw new ModelInputException("--seeds", 0, 0, "expected at least 1 seed");
                var names = p.GetValue(variant) is { Length: > 0 } vs ? Inputs.ParseVariants(vs).Enabled().ToList() : null;
                var o = new ZooOptions
                {
                    Engines = p.GetValue(engines)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    BudgetPerBug = ExploreCommand.ParseBudget(p.GetValue(budget)) ?? baseOpts.BudgetPerBug,
                    Seeds = s,
                    Route = baseOpts.Route,
                    Variants = names,
                    Progress = line => stdout.WriteLine("  " + line),
                };
                stdout.WriteLine($"irqverify zoo: engines {string.Join(",", o.Engines)}, {o.BudgetPerBug.TotalSeconds:F1}s per bug, {o.Seeds} seed(s){(o.Route ? ", routed (CI profile)" : "")}");
                var rows = ZooRunner.Run(o);
                stdout.WriteLine();
                stdout.Write(ZooRunner.Table(rows));
                if (rows.SelectMany(r => r.Cells.Select(c => c.Engine)).Distinct().Count() > 1)
                {
                    stdout.WriteLine();
                    stdout.WriteLine("per engine (median iterations / median time to first detection, seeds that detected):");
                    stdout.Write(ZooRunner.EngineTable(rows));
                }
                if (p.GetValue(json) is { } file) File.WriteAllText(file, ZooRunner.Json(rows));
                if (p.GetValue(junit) is { } junitPath)
                {
                    IrqVerify.Report.JUnitReport.Write(junitPath, "irqverify zoo", ZooRunner.JUnit(rows, o));
                    stdout.WriteLine($"JUnit results written to {junitPath}");
                }
                return rows.All(r => r.Detected) ? ExitCodes.Clean : ExitCodes.Found;
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
