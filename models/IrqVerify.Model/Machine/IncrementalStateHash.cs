namespace IrqVerify.Model;

/// <summary>
/// <see cref="Machine.StateHash"/> computed incrementally: each part's hash is kept with the part's
/// change epoch and recomputed only when the epoch moved, so a step that touches one subsystem
/// rehashes that subsystem alone. Returns exactly what <see cref="Machine.StateHash"/> returns.
/// One instance follows one machine; a different machine instance starts over.
/// </summary>
public sealed class IncrementalStateHash
{
    private readonly long[] _epochs = new long[Machine.HashParts.Length];
    private readonly ulong[] _hashes = new ulong[Machine.HashParts.Length];
    private Machine? _machine;

    /// <summary>Parts rehashed and parts reused, for the bench.</summary>
    public long Recomputed { get; private set; }
    public long Reused { get; private set; }

    public ulong Hash(Machine m)
    {
        bool same = ReferenceEquals(m, _machine);
        for (int i = 0; i < _hashes.Length; i++)
        {
            var part = Machine.HashParts[i];
            long epoch = m.EpochOf(part);
            if (same && epoch == _epochs[i]) { Reused++; continue; }
            _hashes[i] = m.PartHash(part);
            _epochs[i] = epoch;
            Recomputed++;
        }
        _machine = m;
        return Machine.CombineParts(_hashes);
    }
}
