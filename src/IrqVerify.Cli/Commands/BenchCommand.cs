using System.CommandLine;
using IrqVerify.Model;
using IrqVerify.Verify;

namespace IrqVerify.Cli.Commands;

/// <summary>irqverify bench [--seconds N]: model ops/s (with and without checks), explorer schedules/s, fuzz execs/s.</summary>
public static class BenchCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var seconds = new Option<double>("--seconds") { Description = "Seconds per measurement (default 2)", DefaultValueFactory = _ => 2 };
        var cmd = new Command("bench", "Measure model ops/s, explorer schedules/s and fuzz execs/s in one run") { seconds };
        cmd.SetAction(p =>
        {
            try
            {
                double s = p.GetValue(seconds);
                if (s <= 0) throw new ModelInputException("--seconds", 0, 0, "expected a positive number of seconds");
                BenchRunner.Run(stdout, s);
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
