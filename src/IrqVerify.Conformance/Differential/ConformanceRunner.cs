using IrqVerify.Conformance.Native;
using IrqVerify.Model;

namespace IrqVerify.Conformance.Differential;

/// <summary>
/// Runs <c>sequences</c> sequences, sequence k from seed <c>seed + k</c> (so one diverging sequence
/// replays alone with <c>--seed seed+k --sequences 1</c>), stopping at the first divergence, which it
/// minimizes.
/// </summary>
public static class ConformanceRunner
{
    /// <param name="replayArgs">Extra arguments of the replay line (e.g. " --variant K1").</param>
    public static ConformanceReport Run(KernelMatrixLibrary kernel, int sequences, ulong seed, Variants? modelVariants = null, string replayArgs = "")
    {
        var byKind = new SortedDictionary<MatrixCallKind, long>();
        var diff = new MatrixDifferential(kernel, modelVariants);
        long calls = 0, warns = 0, prWarns = 0, errors = 0;
        int bugs = 0;
        for (int k = 0; k < sequences; k++)
        {
            ulong s = unchecked(seed + (ulong)k);
            var r = diff.Run(s);
            calls += r.Calls.Count;
            foreach (var c in r.Calls) byKind[c.Kind] = byKind.GetValueOrDefault(c.Kind) + 1;
            warns += r.Warns;
            prWarns += r.PrWarns;
            errors += r.ErrorReturns;
            if (r.EndedByBug) bugs++;
            if (r.Divergence is { } d)
                return new ConformanceReport(kernel.KernelVersion, seed, k + 1, calls, warns, prWarns, errors, bugs, byKind, SequenceMinimizer.Minimize(diff, d), s, replayArgs);
        }
        return new ConformanceReport(kernel.KernelVersion, seed, sequences, calls, warns, prWarns, errors, bugs, byKind, null, 0, replayArgs);
    }
}
