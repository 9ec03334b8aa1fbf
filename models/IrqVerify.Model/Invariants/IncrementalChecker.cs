using IrqVerify.Model.Core;

namespace IrqVerify.Model.Invariants;

/// <summary>
/// Runs a list of safety checks after every step, re-running only those that read a part of the
/// machine (<see cref="InvariantCheck.Reads"/>) whose change epoch moved since the previous round,
/// and repeating the last findings of the others, so a round reports exactly what the full round
/// would, in the same (catalogue) order. Every mutation of a part bumps its epoch (its setters,
/// operations and CopyFrom; see <see cref="ChangeEpoch"/>), so a skipped check would have found
/// what it found last time. Engines run the whole catalogue, not this, at quiescence. One instance
/// follows one run; a different machine instance starts over.
/// </summary>
public sealed class IncrementalChecker
{
    /// <summary>Every part with a change epoch (the state hash's parts).</summary>
    private static StateScope[] Parts => Machine.HashParts;

    private readonly InvariantCheck[] _checks;
    private readonly StateScope[] _reads;
    private readonly List<Violation>[] _last;
    private readonly long[] _epochs = new long[Parts.Length];
    private Machine? _machine;

    public IncrementalChecker(IEnumerable<InvariantCheck> checks)
    {
        _checks = checks.ToArray();
        _reads = _checks.Select(c => c.Reads).ToArray();
        _last = _checks.Select(_ => new List<Violation>()).ToArray();
    }

    /// <summary>The checks of <see cref="Matrix.MatrixInvariants"/> that no other layer adds to: pure functions of the matrix.</summary>
    public static bool IsMatrixScoped(string id) => InvariantCatalog.MatrixOnlyIds.Contains(id);

    /// <summary>Checks skipped (their last findings repeated) and run, for the bench.</summary>
    public long Skipped { get; private set; }
    public long Ran { get; private set; }

    /// <summary>Forgets every remembered result: the next round runs every check.</summary>
    public void Invalidate() => _machine = null;

    /// <summary>One round after a step: appends to <paramref name="into"/> what the full round would.</summary>
    public void Check(Machine m, List<Violation> into)
    {
        var changed = StateScope.All;
        if (ReferenceEquals(m, _machine))
        {
            changed = StateScope.None;
            for (int p = 0; p < Parts.Length; p++)
                if (m.EpochOf(Parts[p]) != _epochs[p]) changed |= Parts[p];
        }
        for (int i = 0; i < _checks.Length; i++)
        {
            var last = _last[i];
            if ((_reads[i] & changed) != 0)
            {
                last.Clear();
                _checks[i].Check(m, last);
                Ran++;
            }
            else Skipped++;
            into.AddRange(last);
        }
        _machine = m;
        for (int p = 0; p < Parts.Length; p++) _epochs[p] = m.EpochOf(Parts[p]);
    }
}
