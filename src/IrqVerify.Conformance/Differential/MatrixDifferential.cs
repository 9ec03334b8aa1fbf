using IrqVerify.Conformance.Native;
using IrqVerify.Model;
using IrqVerify.Model.Matrix;

namespace IrqVerify.Conformance.Differential;

/// <summary>
/// Runs one sequence on the kernel's matrix.c and on the model side by side and compares after every
/// call: outcome (return value, mapped CPU, WARN / BUG / pr_warn counts, no model misuse), then every
/// global counter, the system map, every per-CPU counter and both per-CPU bitmaps.
/// A BUG_ON ends the sequence on both sides once the outcomes agree: the kernel would have stopped
/// the machine, so no state after it is defined (the stand-in BUG_ON unwinds out of the kernel
/// function where it fired; the model changes nothing).
/// </summary>
public sealed class MatrixDifferential(KernelMatrixLibrary kernel, Variants? modelVariants = null)
{
    /// <summary>Generates and runs the sequence of <paramref name="seed"/>.</summary>
    public SequenceResult Run(ulong seed)
    {
        var gen = new SequenceGenerator(seed);
        return Run(gen.Geometry, gen.Next);
    }

    /// <summary>Replays explicit calls (minimizer, regression tests).</summary>
    public SequenceResult Replay(MatrixGeometry g, IReadOnlyList<MatrixCall> calls)
    {
        int i = 0;
        return Run(g, _ => i < calls.Count ? calls[i++] : null);
    }

    private SequenceResult Run(MatrixGeometry g, Func<IrqMatrix, MatrixCall?> next)
    {
        using var k = new KernelMatrixSide(kernel, g);
        using var m = new ModelMatrixSide(g, modelVariants);
        var done = new List<MatrixCall>();
        int warns = 0, prWarns = 0, errors = 0;
        while (next(m.Matrix) is MatrixCall c)
        {
            done.Add(c);
            int diagBefore = m.Matrix.Diagnostics.Count;
            var ko = k.Apply(c);
            var mo = m.Apply(c);
            warns += ko.Warns;
            prWarns += ko.PrWarns;
            if (ko.Ret < 0 && c.Kind is MatrixCallKind.Alloc or MatrixCallKind.AllocManaged or MatrixCallKind.ReserveManaged) errors++;
            bool bug = ko.Bugs > 0;
            if (ko != mo || !bug)
            {
                var ks = k.Snapshot();
                var ms = m.Snapshot();
                if (ko != mo || !ks.SameAs(ms))
                {
                    var diags = m.Matrix.Diagnostics.Items.Skip(diagBefore).Select(d => d.ToString()).ToList();
                    var div = new Divergence(g, done, ko, mo, ks, ms, diags);
                    return new SequenceResult(g, done, warns, prWarns, errors, false, div);
                }
            }
            if (bug) return new SequenceResult(g, done, warns, prWarns, errors, true, null);
        }
        return new SequenceResult(g, done, warns, prWarns, errors, false, null);
    }
}
