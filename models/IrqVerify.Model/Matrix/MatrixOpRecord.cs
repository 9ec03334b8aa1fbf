using IrqVerify.Model.Core;

namespace IrqVerify.Model.Matrix;

/// <summary>The matrix operations, in kernel vocabulary (plus the seed-001 block variant).</summary>
public enum MatrixOpKind
{
    None,
    Online,
    Offline,
    AssignSystem,
    ReserveManaged,
    RemoveManaged,
    AllocManaged,
    Assign,
    Reserve,
    RemoveReserved,
    Alloc,
    Free,
    AllocBlock,
    FreeBlock,
}

/// <summary>One CPU's allocator state as it was when an operation began.</summary>
public readonly record struct CpuSnapshot(
    bool Online, int Available, int Allocated, int Managed, int ManagedAllocated,
    Bitmap256 AllocMap, Bitmap256 ManagedMap)
{
    internal static CpuSnapshot Of(CpuMap cm) =>
        new(cm.Online, cm.Available, cm.Allocated, cm.Managed, cm.ManagedAllocated, cm.AllocBits, cm.ManagedBits);
}

/// <summary>The rest of a CPU's state at entry (only the fingerprint reads it).</summary>
internal readonly record struct CpuExtra(bool Initialized, bool ManagedChangedWhileOffline, int AvailableDrift)
{
    internal static CpuExtra Of(CpuMap cm) => new(cm.Initialized, cm.ManagedChangedWhileOffline, cm.AvailableDrift);
}

/// <summary>The matrix's global counters, system map and blocks (as one hash) at one moment.</summary>
internal readonly record struct MatrixGlobals(
    int GlobalAvailable, int GlobalReserved, int SystemBitsInAlloc, int TotalAllocated, int OnlineMaps,
    int OfflineFreeSkips, Bitmap256 SystemMap, ulong BlocksHash);

/// <summary>
/// What the most recent matrix operation was asked, what it saw and what it returned. It lets the
/// behavioural invariants (I-M10..I-M16) be checked as pure functions over the machine: the
/// expected CPU/bit is recomputed from the snapshot, independently of the operation's code.
/// Observation metadata only: not part of the state hash. One instance per matrix, reused (no
/// allocation per operation). Recording copies the entry state (plain struct copies); the
/// fingerprint of that state is computed only when a check asks for <see cref="FingerprintBefore"/>
/// (it used to be hashed on every operation and cost most of the matrix's time).
/// </summary>
public sealed class MatrixOpRecord
{
    internal MatrixOpRecord(int cpus)
    {
        Before = new CpuSnapshot[cpus];
        ExtraBefore = new CpuExtra[cpus];
    }

    private ulong? _fingerprintBefore;

    public MatrixOpKind Kind { get; internal set; }
    /// <summary>Sequence number; the record describes the current state iff it equals <see cref="IrqMatrix.OpCount"/>.</summary>
    public long Index { get; internal set; }
    /// <summary>The (possible-CPU-clipped) mask argument, or the single CPU of a per-CPU operation.</summary>
    public CpuMask Mask { get; internal set; }
    /// <summary>Requested bit (assign, free, assign_system, free_block base), else -1.</summary>
    public int Bit { get; internal set; } = -1;
    /// <summary>reserved (alloc), managed (free), replace (assign_system).</summary>
    public bool Flag { get; internal set; }
    public int Num { get; internal set; } = 1;
    public int AlignLog2 { get; internal set; }

    public Errno Result { get; internal set; }
    /// <summary>The operation took a WARN / fatal-assertion path (no state change expected).</summary>
    public bool Rejected { get; internal set; }
    public int ResultCpu { get; internal set; } = -1;
    public int ResultBit { get; internal set; } = -1;

    /// <summary>Matrix fingerprint at entry (see <see cref="IrqMatrix.Fingerprint(CpuMask, bool)"/>),
    /// computed from the recorded entry state on first use.</summary>
    public ulong FingerprintBefore
    {
        get => _fingerprintBefore ??= IrqMatrix.Fingerprint(GlobalsBefore, Mask, LooseManagedMap, Before, ExtraBefore);
        internal set => _fingerprintBefore = value;
    }

    /// <summary>reserve_managed's rollback may free a different (interchangeable) managed bit than it
    /// took, so its "unchanged" comparison uses managed_map populations, not positions.</summary>
    public bool LooseManagedMap { get; internal set; }

    internal MatrixGlobals GlobalsBefore { get; private set; }
    public Bitmap256 SystemMapBefore => GlobalsBefore.SystemMap;
    public int GlobalReservedBefore => GlobalsBefore.GlobalReserved;
    /// <summary>Per CPU state at entry; valid for the CPUs in <see cref="Mask"/>.</summary>
    internal CpuSnapshot[] Before { get; }
    internal CpuExtra[] ExtraBefore { get; }

    public CpuSnapshot SnapshotOf(int cpu) => Before[cpu];

    /// <summary>A new operation's entry state; the fingerprint is forgotten until asked for again.</summary>
    internal void Enter(in MatrixGlobals globals)
    {
        GlobalsBefore = globals;
        _fingerprintBefore = null;
    }

    internal void CopyFrom(MatrixOpRecord o)
    {
        Kind = o.Kind; Index = o.Index; Mask = o.Mask; Bit = o.Bit; Flag = o.Flag; Num = o.Num; AlignLog2 = o.AlignLog2;
        Result = o.Result; Rejected = o.Rejected; ResultCpu = o.ResultCpu; ResultBit = o.ResultBit;
        _fingerprintBefore = o._fingerprintBefore; LooseManagedMap = o.LooseManagedMap;
        GlobalsBefore = o.GlobalsBefore;
        Array.Copy(o.Before, Before, Before.Length);
        Array.Copy(o.ExtraBefore, ExtraBefore, ExtraBefore.Length);
    }
}
