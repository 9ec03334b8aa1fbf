using System.Text.Json;
using IrqVerify.Fuzz;
using IrqVerify.Model;
using IrqVerify.Testing.Designs;

namespace IrqVerify.Verify;

/// <summary>
/// The part of a fuzz run that wants SharpFuzz's edge coverage: the fuzzing loop, minimization and the
/// corpus directory. Everything else an engine does (reports, narratives, timelines) runs on whichever
/// model the process loaded. The tool loads the pristine model and runs this loop in a second load
/// context whose model is the instrumented copy (<see cref="Host"/>); the two sides share no types, so
/// the request and result cross as JSON and progress as plain numbers.
/// </summary>
public static class FuzzBurst
{
    /// <summary>What to fuzz. The machine travels as its JSON and the variants by name, so the far
    /// side builds its own; <see cref="DesignArg"/> names the design as <c>--design</c> does.</summary>
    public sealed record Request(ulong Seed, double? BudgetSeconds, long MaxExecs, string MachineJson,
        string[] Variants, string? DesignArg, bool Strict, string? Corpus, string[] SeedDirs, string[]? StopOnIds);

    /// <summary>A distinct failure, minimized; the program as text (<see cref="FuzzProgram.Print"/>).</summary>
    public sealed record Found(string Signature, string Text, byte[] Input, long FoundAtExec, double FoundAfterSeconds, int MinimizeAttempts);

    /// <param name="Edges">SharpFuzz edge-map entries covered (0 on a model without probes).</param>
    public sealed record Result(long Execs, int Corpus, double Seconds, long Excused, string CorpusNote, bool EdgeCoverage, int Edges, List<Found> Failures)
    {
        public double ExecsPerSecond => Seconds > 0 ? Execs / Seconds : 0;
    }

    /// <summary>
    /// Runs a request in the context whose model is instrumented and returns the result's JSON
    /// (the CLI sets it when the instrumented copy ships beside it); null runs the loop here, on the
    /// model this process loaded (tests, the library), with domain features only when that model
    /// carries no probes. Set once at startup; BCL types only, so it binds across contexts.
    /// </summary>
    public static Func<string, Action<long, int, int, double>?, string>? Host { get; set; }

    private static readonly JsonSerializerOptions Json = new();

    /// <summary>Runs the loop through <see cref="Host"/> when set, else here with
    /// <paramref name="cfg"/> and <paramref name="variants"/> as given.</summary>
    /// <param name="progress">About twice a second: executions, corpus size, distinct failures, elapsed seconds.</param>
    public static Result Run(Request r, MachineConfig cfg, Variants variants, Action<long, int, int, double>? progress)
    {
        if (Host is { } host)
            return JsonSerializer.Deserialize<Result>(host(JsonSerializer.Serialize(r, Json), progress), Json)!;
        return RunLocal(r, cfg, variants, progress);
    }

    /// <summary>The far side of <see cref="Host"/>: rebuilds machine and variants, runs, returns JSON.</summary>
    public static string RunJson(string request, Action<long, int, int, double>? progress)
    {
        EdgeCoverage.EnsureMap();   // the instrumented model's probes write through it from the first call on
        var r = JsonSerializer.Deserialize<Request>(request, Json)!;
        var cfg = MachineConfig.Parse(r.MachineJson, "<fuzz machine>");
        var v = new Variants();
        foreach (var n in r.Variants) v.TryEnable(n);
        if (r.DesignArg is not null) v.Design = DesignCatalog.Resolve(r.DesignArg);
        return JsonSerializer.Serialize(RunLocal(r, cfg, v, progress), Json);
    }

    /// <summary>Runs the loop in this context, on the model it loaded, whatever <see cref="Host"/> says.</summary>
    public static Result RunLocal(Request r, MachineConfig cfg, Variants v, Action<long, int, int, double>? progress)
    {
        var table = new OpTable(cfg);
        var exec = new FuzzExecutor(table, v);
        var fuzzer = new Fuzzer(exec, r.Strict);
        var examples = Findings.Seeds(table, r.SeedDirs);
        var corpus = r.Corpus is null ? null : Corpus.Open(r.Corpus, table);
        var found = new List<Found>();
        var result = fuzzer.Run(new FuzzOptions
        {
            Seed = r.Seed,
            Budget = r.BudgetSeconds is { } b ? TimeSpan.FromSeconds(b) : null,
            MaxExecs = r.MaxExecs,
            Seeds = corpus is null ? examples : corpus.Seeds(examples),
            StopOnIds = r.StopOnIds,
            OnNewInput = corpus is null ? null : corpus.Add,
            Progress = progress is null ? null : s => progress(s.Execs, s.Corpus, s.Failures, s.Elapsed.TotalSeconds),
            OnFailure = f =>
            {
                corpus?.AddFinding(f.Input);
                found.Add(new Found(f.Signature, f.Text, f.Input, f.FoundAtExec, f.FoundAfter.TotalSeconds, f.MinimizeAttempts));
            },
        });
        string corpusNote = "";
        if (corpus is not null)
        {
            var d = corpus.Distill(exec, groups: true);
            corpusNote = $", corpus dir {r.Corpus}: read {corpus.Loaded}, added {corpus.Added} input(s) and {corpus.AddedFindings} finding(s), kept {d.Kept} after distilling ({d.Coverage} coverage bits)";
        }
        var st = result.Stats;
        return new Result(st.Execs, st.Corpus, st.Elapsed.TotalSeconds, fuzzer.Excused, corpusNote, EdgeCoverage.Instrumented, st.Edges, found);
    }

    /// <summary>A found failure as the engines report it, rebuilt from its text on this side's model.</summary>
    public static FuzzFailure ToFailure(Found f, OpTable table)
    {
        var prog = FuzzProgram.From(Model.Program.ProgramParser.Parse(f.Text, "<fuzz finding>", table.Machine), table);
        return new FuzzFailure(f.Signature, prog, f.Text, f.Input, f.FoundAtExec, TimeSpan.FromSeconds(f.FoundAfterSeconds), f.MinimizeAttempts);
    }
}
