namespace IrqVerify.Model;

/// <summary>
/// The complete state of a <see cref="Machine"/> at one moment, taken with <see cref="Machine.Snapshot()"/>
/// and put back with <see cref="Machine.Restore"/>. It is a private shadow machine of the same
/// configuration holding a deep copy of every subsystem (plain fields and arrays, no reflection),
/// so restoring is a copy between two machines of identical shape: far cheaper than constructing
/// and booting a new machine, and allocation-free in the steady state. A snapshot never changes
/// after it is taken (unless overwritten with <see cref="Machine.Snapshot(MachineSnapshot)"/>) and
/// can be restored any number of times, into any machine of the same configuration and variants.
/// </summary>
public sealed class MachineSnapshot
{
    internal MachineSnapshot(Machine state) { State = state; }

    /// <summary>The shadow machine; never stepped, only copied from and into.</summary>
    internal Machine State { get; }

    /// <summary><see cref="Machine.StateHash"/> of the captured state.</summary>
    public ulong StateHash() => State.StateHash();

    /// <summary><see cref="Machine.DumpText"/> of the captured state.</summary>
    public string DumpText() => State.DumpText();
}
