using System.Reflection;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using IrqVerify.Testing;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace IrqVerify.Xunit;

/// <summary>What one property run found.</summary>
public sealed class PropertyOutcome
{
    public bool Passed { get; init; }
    public bool TimedOut { get; init; }
    public int Tests { get; init; }
    public int Shrinks { get; init; }
    public IReadOnlyList<object?> Original { get; init; } = [];
    public IReadOnlyList<object?> Shrunk { get; init; } = [];
    /// <summary>The property's own exception for the shrunk case (null: it returned false).</summary>
    public Exception? Error { get; init; }
    /// <summary>The run's start seed: Replay = "Seed,Gamma" reruns it.</summary>
    public (ulong Seed, ulong Gamma) RunSeed { get; init; }
    /// <summary>The failing case before shrinking: Replay = "Seed,Gamma,Size" jumps to it.</summary>
    public (ulong Seed, ulong Gamma, int Size) FailingStep { get; init; }
    /// <summary>The shrunk scenario, when the property takes one.</summary>
    public Scenario? Counterexample => Shrunk.OfType<Scenario>().FirstOrDefault();
    /// <summary>Files written for the shrunk scenario and the line that replays it in a fresh process.</summary>
    public string? ProgramFile { get; init; }
    public string? ReplayLine { get; init; }
    public string Message { get; init; } = "";
}

/// <summary>
/// Runs FsCheck for a method (its parameters generated) or for an arbitrary and a body, with
/// <see cref="PropertySettings"/>, logging through a callback (the xunit test output), honouring a
/// timeout, and turning a failure into a message with the shrunk counterexample (a Scenario prints
/// as a program), the seed, a ready-to-paste Replay value and a one-line CLI replay.
/// </summary>
public static class PropertyRunner
{
    public static string CounterexampleDir => Path.Combine(AppContext.BaseDirectory, "counterexamples");

    public static PropertyOutcome CheckMethod(MethodInfo method, object? target, PropertySettings s, Action<string> log, string name) =>
        Run(s, log, name, cfg => FsCheck.Check.Method(cfg, method, target is null ? null : FSharpOption<object>.Some(target)));

    public static PropertyOutcome Check<T>(Arbitrary<T> arb, Action<T> body, PropertySettings s, Action<string> log, string name) =>
        Run(s, log, name, cfg => Prop.ForAll(arb, body).Check(cfg));

    private static PropertyOutcome Run(PropertySettings s, Action<string> log, string name, Action<Config> check)
    {
        var cts = new CancellationTokenSource();
        var capture = new CapturingRunner(log, s.Verbose, cts.Token);
        var (seed, gamma, size) = s.Replay is { } rp ? PropertySettings.ParseReplay(rp)
            : s.RandomSeed ? (NewSeed(), NewSeed() | 1, (int?)null)
            : (StableSeed(name), StableSeed(name + "/gamma") | 1, (int?)null);
        var cfg = Config.Quick.WithRunner(capture).WithName(name);
        cfg = size is { } sz ? cfg.WithReplay(seed, gamma, sz) : cfg.WithReplay(seed, gamma);
        if (s.MaxTest is { } mt) cfg = cfg.WithMaxTest(mt);
        if (s.MaxRejected is { } mr) cfg = cfg.WithMaxRejected(mr);
        if (s.StartSize is { } ss) cfg = cfg.WithStartSize(ss);
        if (s.EndSize is { } es) cfg = cfg.WithEndSize(es);
        if (s.Arbitrary.Count > 0) cfg = cfg.WithArbitrary(s.Arbitrary.Reverse());

        var task = Task.Run(() => check(cfg));
        bool finished = s.Timeout <= 0 ? Wait(task) : task.Wait(s.Timeout) || task.IsCompleted;
        if (!finished)
        {
            cts.Cancel(); // the background run stops at its next case or shrink step
            return new PropertyOutcome
            {
                TimedOut = true, Tests = capture.Tests, RunSeed = (seed, gamma),
                Message = $"{name}: Timeout of {s.Timeout} ms exceeded after {capture.Tests} test(s) (seed {seed},{gamma}; rerun with Replay = \"{seed},{gamma}\")",
            };
        }
        if (task.Exception is { } glue) throw glue.InnerException ?? glue;
        return Describe(capture.Result, name, seed, gamma, s.QuietOnSuccess ? null : log);
    }

    private static bool Wait(Task t)
    {
        try { t.Wait(); } catch (AggregateException) { }
        return true;
    }

    /// <summary>FNV-1a of the property name: the default seed, the same in every process (CI is deterministic).</summary>
    private static ulong StableSeed(string name)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in name) { h ^= c; h *= 1099511628211UL; }
        return h;
    }

    private static ulong NewSeed() => (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.Next() << 33);

    private static PropertyOutcome Describe(TestResult? result, string name, ulong seed, ulong gamma, Action<string>? passLog)
    {
        switch (result)
        {
            case TestResult.Passed p:
                passLog?.Invoke($"Ok, {name} passed {p.Item1.NumberOfTests} test(s) (seed {seed},{gamma}).");
                return new PropertyOutcome { Passed = true, Tests = p.Item1.NumberOfTests, RunSeed = (seed, gamma) };
            case TestResult.Exhausted e:
                return new PropertyOutcome
                {
                    Tests = e.Item.NumberOfTests, RunSeed = (seed, gamma),
                    Message = $"{name}: arguments exhausted after {e.Item.NumberOfTests} test(s) (seed {seed},{gamma})",
                };
            case TestResult.Failed f:
                return Failure(f, name, seed, gamma);
            default:
                return new PropertyOutcome { RunSeed = (seed, gamma), Message = $"{name}: FsCheck reported no result" };
        }
    }

    private static PropertyOutcome Failure(TestResult.Failed f, string name, ulong seed, ulong gamma)
    {
        var original = f.Item2.ToList();
        var shrunk = f.Item3.ToList();
        Exception? error = f.Item4 is Outcome.Failed of ? of.Item : null;
        var last = (Seed: f.Item6.Seed, Gamma: f.Item6.Gamma, Size: f.Item7);
        string? programFile = null, replay = null;
        if (shrunk.OfType<Scenario>().FirstOrDefault() is { } sc)
        {
            var ids = ScenarioRunner.Run(sc).FailedIds.ToList();
            string file = Sanitize(name);
            var (prog, machine) = ScenarioFiles.Write(sc, CounterexampleDir, file, ids,
                [$"counterexample of {name}: falsified after {f.Item1.NumberOfTests} test(s), {f.Item1.NumberOfShrinks} shrink(s)",
                 $"FsCheck seed: Replay = \"{seed},{gamma}\" (this case alone: \"{last.Seed},{last.Gamma},{last.Size}\")",
                 "pin it: irqverify regress add <this file>"]);
            programFile = prog;
            replay = ScenarioFiles.ReplayCommand(prog, machine, sc.Variants);
        }
        var sb = new StringBuilder();
        sb.Append($"{name} falsified after {f.Item1.NumberOfTests} test(s) and {f.Item1.NumberOfShrinks} shrink(s).\n");
        sb.Append($"Seed: ({seed},{gamma}) — rerun: [Property(Replay = \"{seed},{gamma}\")] or {PropertySettings.SeedVar}={seed},{gamma}; ");
        sb.Append($"the failing case alone: Replay = \"{last.Seed},{last.Gamma},{last.Size}\"\n");
        sb.Append(shrunk.Count == 0 ? "Counterexample: (no arguments)\n" : "Shrunk counterexample:\n");
        foreach (var a in shrunk) sb.Append(Print(a)).Append('\n');
        if (replay is not null)
        {
            sb.Append($"Written to {programFile}\n");
            sb.Append($"Replay: {replay}\n");
        }
        if (f.Item1.NumberOfShrinks > 0 && original.Count > 0 && original[0] is Scenario os)
            sb.Append($"(original: {os.CallCount} operations, shrunk to {shrunk.OfType<Scenario>().FirstOrDefault()?.CallCount} operations)\n");
        sb.Append(error is null ? "The property returned false.\n" : $"Failure: {error.Message}\n");
        return new PropertyOutcome
        {
            Tests = f.Item1.NumberOfTests, Shrinks = f.Item1.NumberOfShrinks, Original = original, Shrunk = shrunk, Error = error,
            RunSeed = (seed, gamma), FailingStep = last, ProgramFile = programFile, ReplayLine = replay, Message = sb.ToString(),
        };
    }

    private static string Print(object? a) => a switch
    {
        null => "null",
        Scenario s => s.ToString().TrimStart('\n').TrimEnd('\n'),
        _ => a.ToString() ?? "",
    };

    private static string Sanitize(string name)
    {
        var sb = new StringBuilder();
        foreach (char c in name) sb.Append(char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        return sb.ToString();
    }

    /// <summary>Captures the result, forwards verbose output, and aborts the run when cancelled (timeout).</summary>
    private sealed class CapturingRunner(Action<string> log, bool verbose, CancellationToken ct) : IRunner
    {
        public TestResult? Result;
        public int Tests;

        public void OnStartFixture(Type t) { }

        public void OnArguments(int ntest, FSharpList<object> args, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every)
        {
            ct.ThrowIfCancellationRequested();
            Tests = ntest;
            if (verbose) log($"#{ntest}: {string.Join(", ", args.Select(Print))}");
        }

        public void OnShrink(FSharpList<object> args, FSharpFunc<FSharpList<object>, string> everyShrink)
        {
            ct.ThrowIfCancellationRequested();
            if (verbose) log($"shrink: {string.Join(", ", args.Select(Print))}");
        }

        public void OnFinished(string name, TestResult result) => Result = result;
    }
}
