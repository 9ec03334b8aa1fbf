using IrqVerify.Model;

namespace IrqVerify.Fuzz;

/// <summary>
/// The failure signature every fuzzing front end judges by (in-process fuzzer, AFL++ and libFuzzer
/// harnesses, triage). With a variant re-injected: only the ids the variant breaks and the reference
/// model does not on the same program, so reference findings and misuse the reference also reports
/// never show up as, or mask, the re-injected bug. On the reference model: a fast-mode candidate is
/// re-run thoroughly, where the judge (Model.Verdict) classes each finding as it first appears, and
/// only what fails counts (violations; under strict, misuse and known findings too).
/// </summary>
public sealed class DifferentialSignature
{
    private readonly FuzzExecutor? _reference;
    private readonly FuzzExecutor? _judged;

    public DifferentialSignature(FuzzExecutor exec, bool strict = false)
    {
        Executor = exec;
        if (exec.Variants.Enabled().Any()) _reference = new FuzzExecutor(exec.Table, new Variants { Design = exec.Variants.Design });
        else _judged = exec.Thorough && exec.Strict == strict ? exec : new FuzzExecutor(exec.Table, exec.Variants) { Thorough = true, Strict = strict };
    }

    public FuzzExecutor Executor { get; }

    /// <summary>Candidates whose every finding the judge classed as caller misuse or known upstream behaviour.</summary>
    public long Excused { get; private set; }

    /// <summary>Comma-separated failing ids ("" when clean, excused, or when the variant adds nothing).</summary>
    public string Of(FuzzProgram p, out ExecResult? result)
    {
        string sig = Fuzzer.SignatureOf(Executor, p, out result);
        if (sig.Length == 0 || sig.StartsWith("exception:", StringComparison.Ordinal)) return sig;
        if (_reference is not null) return Subtract(sig, p);
        if (!ReferenceEquals(_judged, Executor)) sig = Fuzzer.SignatureOf(_judged!, p, out result);
        if (sig.Length == 0) Excused++;
        return sig;
    }

    public string Of(FuzzProgram p) => Of(p, out _);

    /// <summary>The ids of <paramref name="sig"/> (a signature of <see cref="Executor"/> on
    /// <paramref name="p"/>) that the reference model does not also report.</summary>
    public string Subtract(string sig, FuzzProgram p)
    {
        if (sig.Length == 0 || _reference is null) return sig;
        string refSig = Fuzzer.SignatureOf(_reference, p, out _);
        if (refSig.Length == 0) return sig;
        var refIds = refSig.Split(',');
        return string.Join(",", sig.Split(',').Where(id => !refIds.Contains(id)));
    }
}
