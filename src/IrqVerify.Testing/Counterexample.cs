using System.Runtime.CompilerServices;
using System.Text;
using IrqVerify.Model.Program;

namespace IrqVerify.Testing;

/// <summary>
/// The replay half of a failing property. A property body hands its scenario and its check to
/// <see cref="Check"/>; when the check throws, the scenario is written in the regression format
/// (<c>name.irq</c> + <c>name.machine.json</c>) and the failure is rethrown as a
/// <see cref="CounterexampleException"/> naming the files and the one line that replays them in a
/// fresh process. FsCheck runs the body again for every shrink candidate, so what is on disk at the
/// end, and the exception FsCheck.Xunit reports under its own message (seed, original and shrunk
/// arguments), belong to the shrunk case: the last one that failed.
/// </summary>
public static class Counterexample
{
    /// <summary>Overrides the output folder (default: irqverify-out/ under the temp directory, never the source tree).</summary>
    public const string OutVar = "IRQVERIFY_OUT";

    public static string Directory =>
        Path.Combine(Environment.GetEnvironmentVariable(OutVar) is { Length: > 0 } o ? o : Path.Combine(Path.GetTempPath(), "irqverify-out"), "counterexamples");

    /// <summary>Runs <paramref name="check"/> on <paramref name="s"/>; a failure becomes a written, replayable counterexample.</summary>
    /// <param name="name">File name stem: the calling property's name unless given.</param>
    public static void Check(Scenario s, Action<Scenario> check, [CallerMemberName] string name = "")
    {
        try
        {
            check(s);
        }
        catch (Exception e) when (e is not CounterexampleException)
        {
            throw Write(s, name, e);
        }
    }

    /// <summary>The usual check: every invariant after every step, refinement, eventual invariants
    /// after a drain (<see cref="ScenarioRunner"/>, misuse and known findings excused). Returns the clean outcome.</summary>
    public static ScenarioOutcome AssertClean(Scenario s, RunOptions? options = null, [CallerMemberName] string name = "")
    {
        ScenarioOutcome? clean = null;
        Check(s, sc =>
        {
            var o = ScenarioRunner.Run(sc, options);
            if (!o.Ok) throw new InvalidOperationException($"violated {string.Join(", ", o.FailedIds)}\n{o.Describe()}");
            clean = o;
        }, name);
        return clean!;
    }

    /// <summary>Writes the scenario and returns the exception that names the files and the replay line.</summary>
    public static CounterexampleException Write(Scenario s, string name, Exception failure)
    {
        // The header's expectation is what `regress run` checks: the ids under --strict.
        var ids = ScenarioRunner.Run(s, strict: true).FailedIds.ToList();
        var (program, machine) = ScenarioFiles.Write(s, Directory, Sanitize(name), ids,
            [$"counterexample of {name}", "pin it: irqverify regress add <this file>"]);
        return new CounterexampleException(s, program, machine, ScenarioFiles.ReplayCommand(program, machine, s.Variants, Designs.DesignCatalog.ArgFor(s.Design)), failure);
    }

    private static string Sanitize(string name)
    {
        var sb = new StringBuilder();
        foreach (char c in name) sb.Append(char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        return sb.Length == 0 ? "property" : sb.ToString();
    }
}

/// <summary>A property's failure on a scenario, with the files it was written to and the CLI line that replays it.</summary>
public sealed class CounterexampleException(Scenario scenario, string programFile, string machineFile, string replayLine, Exception failure)
    : Exception($"{failure.Message}\nWritten to {programFile}\nReplay: {replayLine}", failure)
{
    public Scenario Scenario { get; } = scenario;
    public string ProgramFile { get; } = programFile;
    public string MachineFile { get; } = machineFile;
    public string ReplayLine { get; } = replayLine;
}
