using IrqVerify.Model.Core;
namespace IrqVerify.Model.Pci;

/// <summary>One 16-byte MSI-X table entry: address lo/hi, data, vector control (bit 0 = mask).</summary>
public struct MsixEntry
{
    public uint AddressLo, AddressHi, Data;
    /// <summary>Vector control mask bit. Reset value: masked.</summary>
    public bool Masked;
    /// <summary>Oracle: a non-atomic rewrite of this entry's message is in progress (I-P13).</summary>
    public bool WriteInProgress;

    public readonly MsiMessage Message => new(AddressLo, AddressHi, Data);
}

/// <summary>Writes an entry's message in place. An extension on <c>ref</c>, so that calling it on a copy
/// (an element read through <see cref="TrackedArray{T}"/>'s indexer) does not compile.</summary>
public static class MsixEntryWrite
{
    public static void Write(this ref MsixEntry e, MsiMessage msg) { e.AddressLo = msg.AddressLo; e.AddressHi = msg.AddressHi; e.Data = msg.Data; }
}

/// <summary>
/// The MSI-X capability (Message Control: table size − 1, MASKALL 0x4000, ENABLE 0x8000), the
/// table in the BAR and the pending bit array.
/// </summary>
public sealed class MsixTable
{
    public const ushort FlagQSize = 0x07ff;
    public const ushort FlagMaskAll = 0x4000;
    public const ushort FlagEnable = 0x8000;

    private readonly ChangeEpoch _epoch;

    public MsixTable(int size, ChangeEpoch epoch)
    {
        _epoch = epoch;
        Entries = new TrackedArray<MsixEntry>(size, epoch);
        for (int i = 0; i < size; i++) Entries.Mutable(i).Masked = true;
        Pending = new TrackedArray<bool>(size, epoch);
    }

    public int Size => Entries.Length;
    public bool Enable { get; set { field = value; _epoch.Bump(); } }
    public bool MaskAll { get; set { field = value; _epoch.Bump(); } }
    public TrackedArray<MsixEntry> Entries { get; }
    public TrackedArray<bool> Pending { get; }

    public ushort Control => (ushort)(Size - 1 | (MaskAll ? FlagMaskAll : 0) | (Enable ? FlagEnable : 0));

    /// <summary>Can entry <paramref name="i"/> signal right now (function enabled, not masked)?</summary>
    public bool CanSignal(int i) => Enable && !MaskAll && !Entries[i].Masked;
}
