namespace IrqVerify.Model.Core;

/// <summary>
/// A subsystem's change counter: every object holding the subsystem's state shares one and bumps
/// it in each state setter (and in CopyFrom, so a Restore counts as a change). The counter itself
/// is never copied: two values from the same machine are equal only if nothing changed in between.
/// The incremental checker skips a check while the counters of everything it reads stand still.
/// </summary>
public sealed class ChangeEpoch
{
    public long Value { get; private set; }

    public void Bump() => Value++;
}
