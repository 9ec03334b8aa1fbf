using System.CommandLine;
using IrqVerify.Cli.Commands;

namespace IrqVerify.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        // With the instrumented model beside the tool, `fuzz` runs whole on it and every other
        // command runs here, on the pristine model, handing only its fuzzing loops over (InstrumentedModel).
        if (InstrumentedModel.Available)
        {
            if (args.Length > 0 && args[0] == "fuzz") return InstrumentedModel.RunCli(args, Console.Out, Console.Error);
            Verify.FuzzBurst.Host = (request, progress) => InstrumentedModel.FuzzHost()(request, progress);
        }
        return Run(args, Console.Out, Console.Error);
    }

    /// <summary>Entry point usable from tests: same exit codes as the process (0 clean, 1 found, 2 bad input).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("IrqVerify: property-based verification of the Linux interrupt subsystem model");
        root.Subcommands.Add(RunCommand.Build(stdout, stderr));
        root.Subcommands.Add(ListCommands.Ops(stdout));
        root.Subcommands.Add(ListCommands.Invariants(stdout));
        root.Subcommands.Add(ListCommands.Machine(stdout, stderr));
        root.Subcommands.Add(ExploreCommand.Build(stdout, stderr));
        root.Subcommands.Add(ReplayCommand.Build(stdout, stderr));
        root.Subcommands.Add(FuzzCommand.Build(stdout, stderr));
        root.Subcommands.Add(RegressCommand.Build(stdout, stderr));
        root.Subcommands.Add(VerifyCommand.Build(stdout, stderr));
        root.Subcommands.Add(ZooCommand.Build(stdout, stderr));
        root.Subcommands.Add(BenchCommand.Build(stdout, stderr));
        root.Subcommands.Add(TraceCommand.Build(stdout, stderr));
        root.Subcommands.Add(ConformCommand.Build(stdout, stderr));
        root.Subcommands.Add(DesignsCommand.Build(stdout));
        root.Subcommands.Add(CompareCommand.Build(stdout, stderr));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) stderr.WriteLine("irqverify: " + e.Message);
            return ExitCodes.BadInput;
        }
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return parse.Invoke(config);
    }
}
