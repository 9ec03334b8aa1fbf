using IrqVerify.Model.Core;

namespace IrqVerify.Model.Invariants;

/// <summary>
/// Runs a list of safety checks after every step, re-running only those whose inputs the step can
/// have changed and repeating the last findings of the others, so a round reports exactly what the
/// full round would, in the same (catalogue) order. A check is skippable when it reads one
/// subsystem that can say cheaply whether it changed: the matrix (I-M1..I-M17 read only
/// <see cref="Matrix.IrqMatrix"/>, whose every mutation goes through an operation that bumps its
/// epoch). Every other check runs every time. Engines run the whole catalogue, not this, at
/// quiescence. One instance follows one run; a different machine instance starts over.
/// </summary>
public sealed class IncrementalChecker
{
    private readonly InvariantCheck[] _checks;
    private readonly bool[] _matrixScoped;
    private readonly List<Violation>[] _last;
    private Machine? _machine;
    private long _matrixEpoch = -1;

    public IncrementalChecker(IEnumerable<InvariantCheck> checks)
    {
        _checks = checks.ToArray();
        _matrixScoped = _checks.Select(c => IsMatrixScoped(c.Id)).ToArray();
        _last = _checks.Select(_ => new List<Violation>()).ToArray();
    }

    /// <summary>The checks of <see cref="Matrix.MatrixInvariants"/> that no other layer adds to: pure functions of the matrix.</summary>
    public static bool IsMatrixScoped(string id) => InvariantCatalog.MatrixOnlyIds.Contains(id);

    /// <summary>Checks skipped (their last findings repeated) and run, for the bench.</summary>
    public long Skipped { get; private set; }
    public long Ran { get; private set; }

    /// <summary>Forgets every remembered result: the next round runs every check.</summary>
    public void Invalidate()
    {
        _machine = null;
        _matrixEpoch = -1;
    }

    /// <summary>One round after a step: appends to <paramref name="into"/> what the full round would.</summary>
    public void Check(Machine m, List<Violation> into)
    {
        bool matrixFresh = ReferenceEquals(m, _machine) && m.Matrix.Epoch == _matrixEpoch;
        for (int i = 0; i < _checks.Length; i++)
        {
            if (!_matrixScoped[i])
            {
                _checks[i].Check(m, into);
                Ran++;
                continue;
            }
            var last = _last[i];
            if (!matrixFresh)
            {
                last.Clear();
                _checks[i].Check(m, last);
                Ran++;
            }
            else Skipped++;
            into.AddRange(last);
        }
        _machine = m;
        _matrixEpoch = m.Matrix.Epoch;
    }
}
