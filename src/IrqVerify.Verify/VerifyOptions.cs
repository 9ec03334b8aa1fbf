using IrqVerify.Model;
using IrqVerify.Model.Verdict;
using IrqVerify.Model.Designs;

namespace IrqVerify.Verify;

/// <summary>What `irqverify verify` runs: budget and its split, seed, variants, machine, where files go.</summary>
public sealed class VerifyOptions
{
    public TimeSpan Budget { get; init; } = TimeSpan.FromSeconds(60);
    public ulong Seed { get; init; } = 1;
    /// <summary>Variant names (K1..K15); empty = no re-injected bug.</summary>
    public IReadOnlyList<string> Variants { get; init; } = [];
    /// <summary>The design verified (Linux: the reference model).</summary>
    public Design Design { get; init; } = Design.Linux;
    /// <summary>How the design was named on the command line (for replay lines; null for Linux).</summary>
    public string? DesignArg { get; init; }
    /// <summary>A fixed machine for the property programs and the fuzzer (null: generated machines /
    /// the small fuzz machine). Exploration scenarios always use their own machines.</summary>
    public MachineConfig? Machine { get; init; }
    /// <summary>The machine file as given on the command line (for replay lines).</summary>
    public string? MachinePath { get; init; }
    /// <summary>Where counterexample files (programs, machines, schedules) are written.</summary>
    public string OutDir { get; init; } = Path.Combine("irqverify-out", "verify");
    /// <summary>The scenario directory (null: models/scenarios above the working directory).</summary>
    public string? ScenarioDir { get; init; }
    /// <summary>Share of the budget per engine, in percent: properties, exploration, fuzzing.</summary>
    public (int Props, int Explore, int Fuzz) Split { get; init; } = (30, 40, 30);
    /// <summary>Count budgets (deterministic in any process): property programs, exploration schedules
    /// (one total shared out like the time, or one count per scenario in file order) and fuzz execs.
    /// An engine with a count runs exactly that work, whatever the time; the others share the budget.</summary>
    public long? Programs { get; init; }
    public IReadOnlyList<long>? Schedules { get; init; }
    public long? Execs { get; init; }
    /// <summary>Engines report caller misuse and known upstream findings too (set when the
    /// --fail-on policy names either class; the policy then decides what fails).</summary>
    public bool Strict { get; init; }
    /// <summary>The classes of findings that fail the run (--fail-on, --strict).</summary>
    public FailPolicy FailOn { get; init; } = FailPolicy.Default;
    /// <summary>A fuzz corpus directory carried between runs (read at the start, extended, distilled).</summary>
    public string? Corpus { get; init; }
    /// <summary>Called with each engine's running totals (progress display).</summary>
    public Action<EngineProgress>? Progress { get; init; }

    public Variants MakeVariants()
    {
        var v = new Variants { Design = Design };
        foreach (var n in Variants)
            if (!v.TryEnable(n)) throw new ModelInputException("--variant", 0, 0, $"unknown variant '{n}' (known: {string.Join(", ", IrqVerify.Model.Variants.Names)})");
        return v;
    }

    public string VariantLabel => Variants.Count == 0 && Design.IsLinux ? "reference" : string.Join(",", (Design.IsLinux ? [] : new[] { Design.Name }).Concat(Variants));
}

/// <summary>A progress report of one engine: runs so far, fraction of its budget used, failures.</summary>
public readonly record struct EngineProgress(string Engine, long Runs, string Unit, double Fraction, int Failures, string Status, bool Done);
