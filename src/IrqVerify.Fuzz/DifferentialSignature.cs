using IrqVerify.Model;

namespace IrqVerify.Fuzz;

/// <summary>
/// The failure signature every fuzzing front end judges by (in-process fuzzer, AFL++ and libFuzzer
/// harnesses, triage): on the reference model the executor's own signature; with a variant
/// re-injected, only the ids the variant breaks and the reference model does not on the same
/// program, so reference findings and misuse the reference also reports never show up as, or mask,
/// the re-injected bug.
/// </summary>
public sealed class DifferentialSignature
{
    private readonly FuzzExecutor? _reference;

    public DifferentialSignature(FuzzExecutor exec)
    {
        Executor = exec;
        if (exec.Variants.Enabled().Any()) _reference = new FuzzExecutor(exec.Table, new Variants());
    }

    public FuzzExecutor Executor { get; }

    /// <summary>Comma-separated violated ids ("" when clean or when the variant adds nothing).</summary>
    public string Of(FuzzProgram p, out ExecResult? result)
    {
        string sig = Fuzzer.SignatureOf(Executor, p, out result);
        return _reference is null ? sig : Subtract(sig, p);
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
