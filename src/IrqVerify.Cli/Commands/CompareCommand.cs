using System.CommandLine;
using System.Globalization;
using IrqVerify.Model;
using IrqVerify.Model.Designs;
using IrqVerify.Testing.Designs;
using IrqVerify.Verify.Compare;
using CompareOptions = IrqVerify.Verify.Compare.CompareOptions;

namespace IrqVerify.Cli.Commands;

/// <summary>
/// irqverify compare --design X [--against Y] [--budget N|T] [--seed S] [--report DIR] [--out DIR]
/// [--strict]: the same programs, scenarios and fuzz inputs on two designs; prints the phases, the
/// capacity figures side by side, every invariant violated on one side only (minimized, replayable)
/// and every behavioural difference. Exit 1 when the designs differ, 0 when not, 2 on bad input.
/// </summary>
public static class CompareCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var design = new Option<string>("--design") { Description = "The design to compare: a name (irqverify designs), a .dll or a .csproj", Required = true };
        var against = new Option<string?>("--against") { Description = "The other side (default: linux, the reference model)" };
        var budget = new Option<string>("--budget") { Description = "A count N (N programs, N fuzz inputs, N schedules per scenario; deterministic) or a duration (30s, 2m)", DefaultValueFactory = _ => "300" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every phase", DefaultValueFactory = _ => 1UL };
        var report = new Option<string?>("--report") { Description = "Directory for the report (report.json, index.html)" };
        var outDir = new Option<string?>("--out") { Description = "Directory for counterexample files (default: irqverify-out/compare, or REPORT/findings)" };
        var strict = new Option<bool>("--strict") { Description = "Caller misuse and known upstream findings count too" };
        var cmd = new Command("compare", "Compare two designs on the same programs, scenarios and fuzz inputs") { design, against, budget, seed, report, outDir, strict };
        cmd.SetAction(p =>
        {
            try
            {
                var left = DesignCatalog.Resolve(p.GetValue(design)!);
                var right = p.GetValue(against) is { } a ? DesignCatalog.Resolve(a) : Design.Linux;
                var (count, time) = ParseBudget(p.GetValue(budget)!);
                string? reportDir = p.GetValue(report);
                string o = reportDir is not null && p.GetValue(outDir) is null ? Path.Combine(reportDir, "findings") : Inputs.OutDir(p.GetValue(outDir), "compare");
                return Execute(new CompareOptions { Design = left, Against = right, Seed = p.GetValue(seed), Count = count, Time = time, OutDir = o, Strict = p.GetValue(strict) },
                    reportDir, stdout);
            }
            catch (ModelInputException e)
            {
                stderr.WriteLine(Inputs.Format(e));
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    /// <summary>"500" is a count budget; "30s", "2m" a wall-clock one.</summary>
    private static (long? Count, TimeSpan? Time) ParseBudget(string text)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n))
            return n > 0 ? (n, null) : throw new ModelInputException("--budget", 0, 0, $"--budget must be a positive count or a duration, not {text}");
        return (null, ExploreCommand.ParseBudget(text));
    }

    public static int Execute(CompareOptions o, string? reportDir, TextWriter stdout)
    {
        stdout.WriteLine($"irqverify compare: {o.Design.Name} against {o.Against.Name}, " +
                         $"{(o.Count is { } c ? $"count budget {c}" : $"budget {o.Time!.Value.TotalSeconds:F0}s")}, seed {o.Seed}{(o.Strict ? ", strict" : "")}");
        var r = Comparison.Run(o, phase => stdout.WriteLine($"  [{phase}]"));
        stdout.WriteLine();
        stdout.Write(CompareReport.Text(r));
        if (reportDir is not null)
        {
            VerifyCommand.WriteReport(reportDir, CompareReport.ToReport(r));
            stdout.WriteLine($"report written to {reportDir}");
        }
        stdout.WriteLine($"re-run exactly this work: {r.Rerun}");
        stdout.WriteLine(CompareReport.Verdict(r));
        return r.Differ ? ExitCodes.Found : ExitCodes.Clean;
    }
}
