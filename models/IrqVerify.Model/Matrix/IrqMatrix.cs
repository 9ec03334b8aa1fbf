using System.Globalization;
using IrqVerify.Model.Core;

namespace IrqVerify.Model.Matrix;

/// <summary>
/// kernel/irq/matrix.c — the per-CPU bitmap allocator behind x86 vectors (spec §1).
/// No internal locking, as in the kernel: the caller serialises (x86: vector_lock); every public
/// method is one atomic step. Functions that act on "this CPU" in the kernel take the CPU
/// explicitly. Contract violations are diagnostics, never exceptions: WARN → <see cref="Severity.Warn"/>
/// and the kernel's early return, fatal assertion → <see cref="Severity.Fatal"/> and no change.
/// Where the kernel has no check (double offline, remove_reserved at zero) the model does what the
/// kernel does and leaves it to the invariants (I-M6/I-M8/I-M9) to report.
/// </summary>
public sealed class IrqMatrix
{
    private readonly CpuMap[] _maps;
    private readonly DiagnosticLog _diag;
    private readonly Variants? _variants;
    private readonly List<MatrixBlock> _blocks = new();
    private readonly CpuMask _possible;
    internal Bitmap256 SystemBits;
    /// <summary>The window [alloc_start, alloc_end) as a bitmap (fixed at construction).</summary>
    internal readonly Bitmap256 WindowBits;

    public IrqMatrix(int cpus, int matrixBits, int allocStart, int allocEnd, DiagnosticLog diagnostics, Variants? variants = null)
    {
        // irq_alloc_matrix() refuses matrix_bits > IRQ_MATRIX_BITS; the model's bitmaps are 256 bits.
        if (cpus is < 1 or > CpuMask.MaxCpus) throw new ArgumentOutOfRangeException(nameof(cpus));
        if (matrixBits is < 1 or > Bitmap256.Bits) throw new ArgumentOutOfRangeException(nameof(matrixBits));
        if (allocStart < 0 || allocEnd > matrixBits || allocStart >= allocEnd) throw new ArgumentOutOfRangeException(nameof(allocStart));
        Cpus = cpus;
        MatrixBits = matrixBits;
        AllocStart = allocStart;
        AllocEnd = allocEnd;
        _diag = diagnostics;
        _variants = variants;
        WindowBits = Bitmap256.Range(allocStart, allocEnd);
        _possible = CpuMask.FirstN(cpus);
        _maps = new CpuMap[cpus];
        for (int c = 0; c < cpus; c++) _maps[c] = new CpuMap(c);
        LastOp = new MatrixOpRecord(cpus);
    }

    public int Cpus { get; }
    public int MatrixBits { get; }
    public int AllocStart { get; }
    public int AllocEnd { get; }
    public int AllocSize => AllocEnd - AllocStart;
    public DiagnosticLog Diagnostics => _diag;
    public ITraceSink? Trace { get; set; }

    public int GlobalAvailable { get; internal set; }
    public int GlobalReserved { get; internal set; }
    public int SystemBitsInAlloc { get; internal set; }
    public int TotalAllocated { get; internal set; }
    public int OnlineMaps { get; internal set; }
    public Bitmap256 SystemMap => SystemBits;

    /// <summary>Frees that hit an offline CPU and so skipped the total_allocated decrement (§1.4):
    /// total_allocated == Σ allocated + this, exactly (I-M7).</summary>
    public int OfflineFreeSkips { get; internal set; }

    /// <summary>The possible CPUs as a mask.</summary>
    public CpuMask Possible => _possible;

    /// <summary>Live seed-001 blocks (only when the design hands out contiguous vectors).</summary>
    public IReadOnlyList<MatrixBlock> Blocks => _blocks;
    internal List<MatrixBlock> BlockList => _blocks;

    /// <summary>Number of operations run so far; <see cref="LastOp"/> is current iff its Index equals this.</summary>
    public long OpCount { get; private set; }
    public MatrixOpRecord LastOp { get; }

    /// <summary>
    /// Whether operations fill <see cref="LastOp"/> (default on). Only the operation invariants
    /// I-M10..I-M16 read the record; a user that runs none of them (the native speed comparison, a
    /// run without checks) turns it off and each operation does only the kernel's work. Off,
    /// <see cref="OpCount"/> still advances, so the stale record is never taken for the current one.
    /// </summary>
    public bool RecordOperations { get; set; } = true;

    /// <summary>
    /// Changes whenever the matrix's state (or its operation record) may have changed: every
    /// operation and every <see cref="CopyFrom"/> bump it, and it is never copied, so an unchanged
    /// value on the same instance means unchanged state (what <see cref="Invariants.IncrementalChecker"/>
    /// relies on to skip I-M1..I-M17).
    /// </summary>
    internal long Epoch { get; private set; }

    public CpuMap Map(int cpu) => _maps[cpu];

    /// <summary>The design hands out contiguous multi-MSI blocks (Designs.IMultiMsiAllocator.ContiguousVectors).</summary>
    public bool BlocksAllowed => _variants?.Design.MultiMsi.ContiguousVectors == true;

    // ---------------------------------------------------------------- hotplug

    /// <summary>irq_matrix_online on <paramref name="cpu"/>. Requires it offline (fatal assertion
    /// otherwise). Only the first online computes available; later ones reuse the counter.</summary>
    public void Online(int cpu)
    {
        if (!LocalCpu(cpu, "irq_matrix_online")) return;
        var cm = _maps[cpu];
        Begin(MatrixOpKind.Online, CpuMask.Of(cpu));
        if (cm.Online)
        {
            Reject(Severity.Fatal, "irq_matrix_online", $"CPU{cpu} is already online (BUG_ON(cm->online))");
            return;
        }
        if (!cm.Initialized)
        {
            cm.Available = AllocSize - cm.Managed - SystemBitsInAlloc;
            cm.Initialized = true;
        }
        GlobalAvailable += cm.Available;
        cm.Online = true;
        OnlineMaps++;
        Trace?.Effect($"matrix: online CPU{cpu} avl {cm.AvailableUnsigned}");
        Done(Errno.Ok, cpu, -1);
    }

    /// <summary>irq_matrix_offline on <paramref name="cpu"/>: bitmaps, allocated and total_allocated
    /// stay as they are. The kernel has no check here; neither has the model.</summary>
    public void Offline(int cpu)
    {
        if (!LocalCpu(cpu, "irq_matrix_offline")) return;
        var cm = _maps[cpu];
        Begin(MatrixOpKind.Offline, CpuMask.Of(cpu));
        GlobalAvailable -= cm.Available;
        cm.Online = false;
        OnlineMaps--;
        Trace?.Effect($"matrix: offline CPU{cpu}");
        Done(Errno.Ok, cpu, -1);
    }

    // ---------------------------------------------------------------- system and legacy slots

    /// <summary>
    /// irq_matrix_assign_system (boot, on <paramref name="cpu"/>). Requires bit ≤ matrix_bits and
    /// (online_maps == 0 or online_maps == 1 with replace); with replace the bit must be allocated
    /// on this CPU. Guarantees the bit is a system bit; available is unchanged (with replace the
    /// slot just changes from allocated to system). Assigning the same bit twice counts it twice
    /// in systembits_inalloc, as the kernel does.
    /// </summary>
    public void AssignSystem(int cpu, int bit, bool replace)
    {
        const string rule = "irq_matrix_assign_system";
        if (!LocalCpu(cpu, rule)) return;
        var cm = _maps[cpu];
        Begin(MatrixOpKind.AssignSystem, CpuMask.Of(cpu), bit, replace);
        if (bit < 0 || bit > MatrixBits) { Reject(Severity.Fatal, rule, $"bit {bit} > matrix_bits {MatrixBits}"); return; }
        if (bit == MatrixBits)
        {
            // Passes the kernel's BUG_ON (it only rejects bit > matrix_bits) but writes past the bitmap.
            Reject(Severity.Fatal, rule, $"bit {bit} == matrix_bits lies outside the bitmap (kernel off-by-one, not modelled)");
            return;
        }
        // matrix.c: BUG_ON(m->online_maps > 1 || (m->online_maps && !replace)); online_maps is
        // unsigned, so the underflow of a double offline (UINT_MAX) trips it as well.
        uint onlineMaps = unchecked((uint)OnlineMaps);
        if (onlineMaps > 1 || (onlineMaps != 0 && !replace))
        {
            Reject(Severity.Fatal, rule, $"online_maps {OnlineMaps} with replace={replace}");
            return;
        }
        if (replace && !cm.AllocBits.Test(bit))
        {
            Reject(Severity.Fatal, rule, $"replace: vector 0x{bit:x} not allocated on CPU{cpu}");
            return;
        }
        SystemBits.Set(bit);
        if (replace)
        {
            cm.AllocBits.Clear(bit);
            cm.Allocated--;
            TotalAllocated--;
        }
        if (bit >= AllocStart && bit < AllocEnd) SystemBitsInAlloc++;
        Trace?.Effect($"matrix: assign_system vector 0x{bit:x}{(replace ? " (replace)" : "")}");
        Done(Errno.Ok, cpu, bit);
    }

    /// <summary>irq_matrix_assign: marks a preallocated slot (legacy ISA vector) on <paramref name="cpu"/>.
    /// WARN and no change when outside the window or already allocated. Charges available and
    /// global_available unconditionally (it runs on the online boot CPU).</summary>
    public void Assign(int cpu, int bit)
    {
        const string rule = "irq_matrix_assign";
        if (!LocalCpu(cpu, rule)) return;
        var cm = _maps[cpu];
        Begin(MatrixOpKind.Assign, CpuMask.Of(cpu), bit);
        if (bit < AllocStart || bit >= AllocEnd) { Reject(Severity.Warn, rule, $"vector 0x{bit:x} outside the window"); return; }
        if (cm.AllocBits.Test(bit)) { Reject(Severity.Warn, rule, $"CPU{cpu} vector 0x{bit:x} already allocated"); return; }
        cm.AllocBits.Set(bit);
        cm.Allocated++;
        TotalAllocated++;
        cm.Available--;
        GlobalAvailable--;
        Trace?.Effect($"matrix: assign CPU{cpu} vector 0x{bit:x}");
        Done(Errno.Ok, cpu, bit);
    }

    // ---------------------------------------------------------------- managed

    /// <summary>
    /// irq_matrix_reserve_managed: one managed slot on every CPU of the mask (offline CPUs too; the
    /// offset may differ per CPU). Only online CPUs charge available. All-or-nothing: on the first
    /// CPU without room, the CPUs before it are rolled back with remove_managed (which frees the
    /// lowest unallocated managed bit, not necessarily the one just taken) and -ENOSPC returns.
    /// </summary>
    public Errno ReserveManaged(CpuMask msk)
    {
        msk = Clip(msk, "irq_matrix_reserve_managed");
        Begin(MatrixOpKind.ReserveManaged, msk, looseManagedMap: true);
        foreach (int cpu in msk)
        {
            var cm = _maps[cpu];
            int bit = AllocArea(cm, 1, managed: true);
            if (bit >= AllocEnd)
            {
                foreach (int done in msk)
                {
                    if (done == cpu) break;
                    RemoveManagedOne(done);
                }
                Trace?.Effect($"matrix: reserve_managed {msk} failed on CPU{cpu}");
                Done(Errno.ENOSPC, cpu, -1);
                return Errno.ENOSPC;
            }
            cm.Managed++;
            if (cm.Online)
            {
                cm.Available--;
                GlobalAvailable--;
            }
            else NoteOfflineManagedChange(cm, +1);
            Trace?.Effect($"matrix: reserve_managed CPU{cpu} vector 0x{bit:x}");
        }
        Done(Errno.Ok, -1, -1);
        return Errno.Ok;
    }

    /// <summary>irq_matrix_remove_managed: per CPU of the mask drop the lowest managed bit that is not
    /// allocated; WARN and skip the CPU when it has no managed slot or none unallocated.</summary>
    public void RemoveManaged(CpuMask msk)
    {
        msk = Clip(msk, "irq_matrix_remove_managed");
        Begin(MatrixOpKind.RemoveManaged, msk);
        foreach (int cpu in msk) RemoveManagedOne(cpu);
        Done(Errno.Ok, -1, -1);
    }

    /// <summary>One CPU of remove_managed; false when it WARNed and skipped the CPU.</summary>
    private bool RemoveManagedOne(int cpu)
    {
        const string rule = "irq_matrix_remove_managed";
        var cm = _maps[cpu];
        if (cm.Managed == 0)
        {
            _diag.Add(Severity.Warn, rule, $"CPU{cpu} has no managed reservation");
            return false;
        }
        var free = cm.ManagedBits & ~cm.AllocBits;
        int bit = free.NextSet(0);
        if (bit < 0 || bit >= AllocEnd)
        {
            _diag.Add(Severity.Warn, rule, $"CPU{cpu}: every managed slot is allocated");
            return false;
        }
        cm.ManagedBits.Clear(bit);
        cm.Managed--;
        if (cm.Online)
        {
            cm.Available++;
            GlobalAvailable++;
        }
        else NoteOfflineManagedChange(cm, -1);
        Trace?.Effect($"matrix: remove_managed CPU{cpu} vector 0x{bit:x}");
        return true;
    }

    /// <summary>§1.4: reserve/remove_managed skip available on an offline CPU, and a later online does
    /// not recompute it, so an initialized CPU's counter drifts (by +1 per reservation added).</summary>
    private static void NoteOfflineManagedChange(CpuMap cm, int reservations)
    {
        if (!cm.Initialized) return; // the first online will compute available from managed
        cm.ManagedChangedWhileOffline = true;
        cm.AvailableDrift += reservations;
    }

    /// <summary>
    /// irq_matrix_alloc_managed: on the online CPU of the mask with the fewest managed allocations
    /// (last one on ties) take the lowest reserved-but-unallocated managed bit. -EINVAL on an empty
    /// mask, -ENOSPC when no CPU is online or the chosen CPU has no free managed bit (no fallback).
    /// available is untouched: it was charged at reservation.
    /// </summary>
    public Errno AllocManaged(CpuMask msk, out int cpu, out int bit)
    {
        msk = Clip(msk, "irq_matrix_alloc_managed");
        Begin(MatrixOpKind.AllocManaged, msk);
        cpu = -1;
        bit = -1;
        if (msk.IsEmpty) return Fail(Errno.EINVAL);
        int best = FindBestCpuManaged(msk);
        if (best < 0) return Fail(Errno.ENOSPC);
        var cm = _maps[best];
        int b = (cm.ManagedBits & ~cm.AllocBits).NextSet(0);
        if (b < 0 || b >= AllocEnd) return Fail(Errno.ENOSPC, best);
        cm.AllocBits.Set(b);
        cm.Allocated++;
        cm.ManagedAllocated++;
        TotalAllocated++;
        cpu = best;
        bit = b;
        Trace?.Effect($"matrix: alloc_managed CPU{best} vector 0x{b:x}");
        Done(Errno.Ok, best, b);
        return Errno.Ok;
    }

    /// <summary>matrix_find_best_cpu_managed: only strictly larger counts are skipped, so the last
    /// of equal CPUs wins. -1 when no CPU of the mask is online.</summary>
    private int FindBestCpuManaged(CpuMask msk)
    {
        int best = -1;
        uint least = uint.MaxValue;
        foreach (int c in msk)
        {
            var cm = _maps[c];
            uint mac = unchecked((uint)cm.ManagedAllocated);
            if (!cm.Online || mac > least) continue;
            best = c;
            least = mac;
        }
        return best;
    }

    // ---------------------------------------------------------------- reservations (x86 reservation mode)

    /// <summary>irq_matrix_reserve: bookkeeping only. The kernel's complaint when reservations reach
    /// the available capacity is a pr_warn, not a WARN.</summary>
    public void Reserve()
    {
        Begin(MatrixOpKind.Reserve, CpuMask.Empty);
        if (GlobalReserved == GlobalAvailable)
            _diag.Add(Severity.Info, "irq_matrix_reserve", "Interrupt reservation exceeds available resources");
        GlobalReserved++;
        Trace?.Effect($"matrix: reserve (global_reserved {GlobalReserved})");
        Done(Errno.Ok, -1, -1);
    }

    /// <summary>irq_matrix_remove_reserved: global_reserved-- (no check in the kernel; I-M9 watches it).</summary>
    public void RemoveReserved()
    {
        Begin(MatrixOpKind.RemoveReserved, CpuMask.Empty);
        GlobalReserved--;
        Trace?.Effect($"matrix: remove_reserved (global_reserved {GlobalReserved})");
        Done(Errno.Ok, -1, -1);
    }

    // ---------------------------------------------------------------- non-managed

    /// <summary>
    /// irq_matrix_alloc: on the online CPU of the mask with the most available slots (&gt; 0; first
    /// on ties) take the lowest free window slot. -EINVAL on an empty mask (before anything else),
    /// -ENOSPC when no CPU qualifies or (drifted counters only) the chosen CPU has no free slot.
    /// With <paramref name="reserved"/> the allocation consumes a prior reservation.
    /// </summary>
    public Errno Alloc(CpuMask msk, bool reserved, out int cpu, out int bit)
    {
        msk = Clip(msk, "irq_matrix_alloc");
        Begin(MatrixOpKind.Alloc, msk, -1, reserved);
        cpu = -1;
        bit = -1;
        if (msk.IsEmpty) return Fail(Errno.EINVAL);
        int best = FindBestCpu(msk, 1);
        if (best < 0) return Fail(Errno.ENOSPC);
        var cm = _maps[best];
        int b = AllocArea(cm, 1, managed: false);
        if (b >= AllocEnd) return Fail(Errno.ENOSPC, best);
        cm.Allocated++;
        cm.Available--;
        TotalAllocated++;
        GlobalAvailable--;
        if (reserved) GlobalReserved--;
        cpu = best;
        bit = b;
        Trace?.Effect($"matrix: alloc CPU{best} vector 0x{b:x}");
        Done(Errno.Ok, best, b);
        return Errno.Ok;
    }

    /// <summary>matrix_find_best_cpu: strict "more available" (unsigned, as the kernel compares), so
    /// the first of equal CPUs wins; available must exceed <paramref name="atLeast"/> − 1.</summary>
    private int FindBestCpu(CpuMask msk, int atLeast)
    {
        int best = -1;
        uint max = (uint)(atLeast - 1);
        foreach (int c in msk)
        {
            var cm = _maps[c];
            if (!cm.Online || cm.AvailableUnsigned <= max) continue;
            best = c;
            max = cm.AvailableUnsigned;
        }
        return best;
    }

    /// <summary>
    /// irq_matrix_free (any CPU, online or not). WARN and no change when the bit is outside the
    /// window or not allocated. A managed free keeps the managed_map bit (the reservation survives);
    /// total_allocated is only decremented for an online CPU; a non-managed free returns the slot to
    /// available (and to global_available if online).
    /// </summary>
    public void Free(int cpu, int bit, bool managed)
    {
        const string rule = "irq_matrix_free";
        if (!LocalCpu(cpu, rule)) return;
        var cm = _maps[cpu];
        Begin(MatrixOpKind.Free, CpuMask.Of(cpu), bit, managed);
        if (bit < AllocStart || bit >= AllocEnd) { Reject(Severity.Warn, rule, $"vector 0x{bit:x} outside the window"); return; }
        if (!cm.AllocBits.Test(bit)) { Reject(Severity.Warn, rule, $"CPU{cpu} vector 0x{bit:x} is not allocated"); return; }
        FreeSlot(cm, bit, managed);
        NoteBlockBitFreed(cpu, bit);
        Trace?.Effect($"matrix: free CPU{cpu} vector 0x{bit:x}{(managed ? " (managed)" : "")}");
        Done(Errno.Ok, cpu, bit);
    }

    private void FreeSlot(CpuMap cm, int bit, bool managed)
    {
        cm.AllocBits.Clear(bit);
        cm.Allocated--;
        if (managed) cm.ManagedAllocated--;
        if (cm.Online) TotalAllocated--;
        else OfflineFreeSkips++;
        if (!managed)
        {
            cm.Available++;
            if (cm.Online) GlobalAvailable++;
        }
    }

    // ---------------------------------------------------------------- queries

    /// <summary>irq_matrix_available from local CPU <paramref name="cpu"/>: global_available, or with
    /// <paramref name="cpudown"/> what is left once this CPU is gone.</summary>
    public int Available(int cpu, bool cpudown) => cpudown ? GlobalAvailable - _maps[cpu].Available : GlobalAvailable;

    /// <summary>irq_matrix_reserved.</summary>
    public int Reserved() => GlobalReserved;

    /// <summary>irq_matrix_allocated on local CPU <paramref name="cpu"/>: the non-managed allocations
    /// (the vectors an offline would have to move). K1 re-injects the old "allocated".</summary>
    public int Allocated(int cpu)
    {
        var cm = _maps[cpu];
        return _variants?.K1 == true ? cm.Allocated : cm.Allocated - cm.ManagedAllocated;
    }

    // ---------------------------------------------------------------- seed-001 contiguous blocks

    /// <summary>
    /// Seed-001 design (no kernel counterpart; only when <see cref="BlocksAllowed"/>):
    /// a 2^<paramref name="alignLog2"/>-aligned run of <paramref name="num"/> non-managed slots on ONE
    /// online CPU of the mask — the CPU with the most available slots that can hold the run, first
    /// on ties. Accounting equals <paramref name="num"/> single allocations. -EINVAL on an empty mask,
    /// bad geometry or without the variant (misuse); -ENOSPC when no CPU can hold it.
    /// </summary>
    public Errno AllocBlock(CpuMask msk, int num, int alignLog2, out int cpu, out int baseBit)
    {
        const string rule = "irq_matrix_alloc_block";
        msk = Clip(msk, rule);
        Begin(MatrixOpKind.AllocBlock, msk, -1, false, num, alignLog2);
        cpu = -1;
        baseBit = -1;
        if (!BlocksAllowed)
        {
            Reject(Severity.Misuse, "I-M16", "contiguous block allocation without the contiguous-multi-msi variant");
            return Fail(Errno.EINVAL);
        }
        if (msk.IsEmpty || num < 1 || num > AllocSize || alignLog2 < 0 || alignLog2 > 8) return Fail(Errno.EINVAL);
        int best = -1;
        int bestBase = -1;
        uint max = (uint)(num - 1);
        foreach (int c in msk)
        {
            var m = _maps[c];
            if (!m.Online || m.AvailableUnsigned <= max) continue;
            int b = FreeScratch(m).FindNextZeroArea(AllocStart, AllocEnd, num, alignLog2);
            if (b >= AllocEnd) continue;
            best = c;
            bestBase = b;
            max = m.AvailableUnsigned;
        }
        if (best < 0) return Fail(Errno.ENOSPC);
        var cm = _maps[best];
        for (int i = 0; i < num; i++) cm.AllocBits.Set(bestBase + i);
        cm.Allocated += num;
        cm.Available -= num;
        TotalAllocated += num;
        GlobalAvailable -= num;
        var live = new Bitmap256();
        for (int i = 0; i < num; i++) live.Set(bestBase + i);
        _blocks.Add(new MatrixBlock(best, bestBase, num, alignLog2) { Live = live });
        cpu = best;
        baseBit = bestBase;
        Trace?.Effect($"matrix: alloc_block CPU{best} vectors 0x{bestBase:x}-0x{bestBase + num - 1:x}");
        Done(Errno.Ok, best, bestBase);
        return Errno.Ok;
    }

    /// <summary>Frees the still-allocated slots of the block at (<paramref name="cpu"/>, <paramref name="baseBit"/>)
    /// of size <paramref name="num"/>, each like a non-managed irq_matrix_free. WARN and no change
    /// when there is no such block.</summary>
    public void FreeBlock(int cpu, int baseBit, int num)
    {
        const string rule = "irq_matrix_free_block";
        if (!LocalCpu(cpu, rule)) return;
        Begin(MatrixOpKind.FreeBlock, CpuMask.Of(cpu), baseBit, false, num);
        int idx = FindBlock(cpu, baseBit, num);
        if (idx < 0) { Reject(Severity.Warn, rule, $"no block of {num} at CPU{cpu} vector 0x{baseBit:x}"); return; }
        var cm = _maps[cpu];
        var blk = _blocks[idx];
        for (int i = 0; i < num; i++)
        {
            int bit = baseBit + i;
            if (blk.Live.Test(bit) && cm.AllocBits.Test(bit)) FreeSlot(cm, bit, managed: false);
        }
        _blocks.RemoveAt(idx);
        Trace?.Effect($"matrix: free_block CPU{cpu} vectors 0x{baseBit:x}-0x{baseBit + num - 1:x}");
        Done(Errno.Ok, cpu, baseBit);
    }

    private int FindBlock(int cpu, int baseBit, int num)
    {
        for (int i = 0; i < _blocks.Count; i++)
            if (_blocks[i].Cpu == cpu && _blocks[i].Base == baseBit && _blocks[i].Num == num) return i;
        return -1;
    }

    /// <summary>A single free of a block slot shrinks the block; the last one retires it.</summary>
    private void NoteBlockBitFreed(int cpu, int bit)
    {
        for (int i = 0; i < _blocks.Count; i++)
        {
            var blk = _blocks[i];
            if (blk.Cpu != cpu || !blk.Live.Test(bit)) continue;
            var live = blk.Live;
            live.Clear(bit);
            if (live.IsEmpty) _blocks.RemoveAt(i);
            else _blocks[i] = blk with { Live = live };
            return;
        }
    }

    // ---------------------------------------------------------------- matrix_alloc_area

    private Bitmap256 FreeScratch(CpuMap cm) => cm.ManagedBits | SystemBits | cm.AllocBits;

    /// <summary>matrix_alloc_area: the lowest run of <paramref name="num"/> slots in the window that are
    /// clear in managed_map | system_map | alloc_map, set in managed_map or alloc_map. Returns the
    /// first bit, or a value ≥ alloc_end on failure (nothing changed).</summary>
    private int AllocArea(CpuMap cm, int num, bool managed)
    {
        int area = FreeScratch(cm).FindNextZeroArea(AllocStart, AllocEnd, num);
        if (area >= AllocEnd) return area;
        for (int i = 0; i < num; i++)
        {
            if (managed) cm.ManagedBits.Set(area + i);
            else cm.AllocBits.Set(area + i);
        }
        return area;
    }

    // ---------------------------------------------------------------- argument checks

    private bool LocalCpu(int cpu, string rule)
    {
        if (cpu >= 0 && cpu < Cpus) return true;
        _diag.Add(Severity.Misuse, rule, $"CPU{cpu} is not a possible CPU (0..{Cpus - 1})");
        return false;
    }

    /// <summary>Kernel masks only hold possible CPUs; others are reported and ignored.</summary>
    private CpuMask Clip(CpuMask msk, string rule)
    {
        var clipped = msk.And(_possible);
        if (clipped.Bits != msk.Bits) _diag.Add(Severity.Misuse, rule, $"mask {msk} holds CPUs that are not possible");
        return clipped;
    }

    // ---------------------------------------------------------------- operation record (I-M10..I-M16)

    private void Begin(MatrixOpKind kind, CpuMask msk, int bit = -1, bool flag = false, int num = 1, int alignLog2 = 0, bool looseManagedMap = false)
    {
        ++OpCount;
        ++Epoch;
        if (!RecordOperations) return;
        var r = LastOp;
        r.Index = OpCount;
        r.Kind = kind;
        r.Mask = msk;
        r.Bit = bit;
        r.Flag = flag;
        r.Num = num;
        r.AlignLog2 = alignLog2;
        r.Result = Errno.Ok;
        r.Rejected = false;
        r.ResultCpu = -1;
        r.ResultBit = -1;
        r.LooseManagedMap = looseManagedMap;
        r.Enter(Globals());
        var before = r.Before;
        var extra = r.ExtraBefore;
        foreach (int c in msk)
        {
            var cm = _maps[c];
            before[c] = CpuSnapshot.Of(cm);
            extra[c] = CpuExtra.Of(cm);
        }
    }

    private void Done(Errno result, int cpu, int bit)
    {
        if (!RecordOperations) return;
        var r = LastOp;
        r.Result = result;
        r.ResultCpu = cpu;
        r.ResultBit = bit;
    }

    private Errno Fail(Errno e, int cpu = -1)
    {
        Done(e, cpu, -1);
        return e;
    }

    private void Reject(Severity s, string rule, string message)
    {
        _diag.Add(s, rule, message);
        if (RecordOperations) LastOp.Rejected = true;
    }

    private MatrixGlobals Globals() => new(GlobalAvailable, GlobalReserved, SystemBitsInAlloc, TotalAllocated, OnlineMaps,
        OfflineFreeSkips, SystemBits, _blocks.Count == 0 ? EmptyBlocksHash : BlocksHash(_blocks));

    private static readonly ulong EmptyBlocksHash = BlocksHash([]);

    private static ulong BlocksHash(List<MatrixBlock> blocks)
    {
        var h = new StateHasher();
        h.Add(blocks.Count);
        foreach (var b in blocks)
        {
            h.Add(b.Cpu); h.Add(b.Base); h.Add(b.Num); h.Add(b.AlignLog2);
            b.Live.Hash(ref h);
        }
        return h.Value;
    }

    /// <summary>
    /// Hash of the globals and of the maps of <paramref name="cpus"/> (an operation only touches the
    /// CPUs of its mask; hashing just those keeps the cost small). With
    /// <paramref name="looseManagedMap"/> managed_map positions are replaced by their populations
    /// (reserve_managed's rollback may swap one interchangeable unallocated managed bit for another),
    /// and the sticky offline-change flag is left out (only its drift is kernel state).
    /// </summary>
    public ulong Fingerprint(CpuMask cpus, bool looseManagedMap)
    {
        var h = new StateHasher();
        HashFingerprintGlobals(ref h, Globals());
        foreach (int c in cpus)
        {
            var cm = _maps[c];
            HashFingerprintCpu(ref h, CpuSnapshot.Of(cm), CpuExtra.Of(cm), looseManagedMap);
        }
        return h.Value;
    }

    /// <summary>The same fingerprint over recorded state (<see cref="MatrixOpRecord.FingerprintBefore"/>).</summary>
    internal static ulong Fingerprint(in MatrixGlobals g, CpuMask cpus, bool looseManagedMap, CpuSnapshot[] maps, CpuExtra[] extra)
    {
        var h = new StateHasher();
        HashFingerprintGlobals(ref h, g);
        foreach (int c in cpus) HashFingerprintCpu(ref h, maps[c], extra[c], looseManagedMap);
        return h.Value;
    }

    private static void HashFingerprintGlobals(ref StateHasher h, in MatrixGlobals g)
    {
        h.Add(g.GlobalAvailable);
        h.Add(g.GlobalReserved);
        h.Add(g.SystemBitsInAlloc);
        h.Add(g.TotalAllocated);
        h.Add(g.OnlineMaps);
        h.Add(g.OfflineFreeSkips);
        g.SystemMap.Hash(ref h);
        h.Add(g.BlocksHash);
    }

    private static void HashFingerprintCpu(ref StateHasher h, in CpuSnapshot s, in CpuExtra e, bool looseManagedMap)
    {
        h.Add(s.Available); h.Add(s.Allocated); h.Add(s.Managed); h.Add(s.ManagedAllocated);
        h.Add(e.Initialized); h.Add(s.Online);
        s.AllocMap.Hash(ref h);
        if (looseManagedMap)
        {
            h.Add(s.ManagedMap.PopCount);
            h.Add((s.ManagedMap & s.AllocMap).PopCount);
            // The drift, not the sticky "changed while offline" flag: a rollback on an offline
            // CPU takes the reservation back and the drift with it.
        }
        else
        {
            s.ManagedMap.Hash(ref h);
            h.Add(e.ManagedChangedWhileOffline);
        }
        h.Add(e.AvailableDrift);
    }

    /// <summary>Fingerprint over every CPU.</summary>
    public ulong Fingerprint(bool looseManagedMap) => Fingerprint(Possible, looseManagedMap);

    private void HashGlobals(ref StateHasher h)
    {
        h.Add(GlobalAvailable);
        h.Add(GlobalReserved);
        h.Add(SystemBitsInAlloc);
        h.Add(TotalAllocated);
        h.Add(OnlineMaps);
        h.Add(OfflineFreeSkips);
        SystemBits.Hash(ref h);
        h.Add(_blocks.Count);
        foreach (var b in _blocks)
        {
            h.Add(b.Cpu); h.Add(b.Base); h.Add(b.Num); h.Add(b.AlignLog2);
            b.Live.Hash(ref h);
        }
    }

    // ---------------------------------------------------------------- copy / hash / dump

    /// <summary>
    /// Makes this matrix equal to <paramref name="o"/> (same geometry): maps, globals, blocks and the
    /// operation record. Blocks are immutable records and are shared. Trace and diagnostics stay.
    /// </summary>
    public void CopyFrom(IrqMatrix o)
    {
        if (o.Cpus != Cpus || o.AllocStart != AllocStart || o.AllocEnd != AllocEnd || o.MatrixBits != MatrixBits)
            throw new ArgumentException("matrix geometry differs", nameof(o));
        ++Epoch;
        SystemBits = o.SystemBits;
        GlobalAvailable = o.GlobalAvailable;
        GlobalReserved = o.GlobalReserved;
        SystemBitsInAlloc = o.SystemBitsInAlloc;
        TotalAllocated = o.TotalAllocated;
        OnlineMaps = o.OnlineMaps;
        OfflineFreeSkips = o.OfflineFreeSkips;
        _blocks.Clear();
        _blocks.AddRange(o._blocks);
        OpCount = o.OpCount;
        LastOp.CopyFrom(o.LastOp);
        for (int c = 0; c < _maps.Length; c++) _maps[c].CopyFrom(o._maps[c]);
    }

    /// <summary>Canonical state hash (the operation record is observation metadata and left out).</summary>
    public void Hash(ref StateHasher h)
    {
        h.Add(Cpus);
        HashGlobals(ref h);
        foreach (var cm in _maps) cm.Hash(ref h);
    }

    /// <summary>irq_matrix_debug_show, as /sys/kernel/debug/irq/domains/VECTOR prints it (indent 1).</summary>
    public void Dump(TextWriter w) => Dump(w, 1);

    public void Dump(TextWriter w, int ind)
    {
        var ci = CultureInfo.InvariantCulture;
        string pad = new(' ', Math.Max(ind, 1));
        w.Write(string.Format(ci, "Online bitmaps:   {0,6}\n", unchecked((uint)OnlineMaps)));
        w.Write(string.Format(ci, "Global available: {0,6}\n", unchecked((uint)GlobalAvailable)));
        w.Write(string.Format(ci, "Global reserved:  {0,6}\n", unchecked((uint)GlobalReserved)));
        w.Write(string.Format(ci, "Total allocated:  {0,6}\n", unchecked((uint)TotalAllocated)));
        w.Write(string.Format(ci, "System: {0}: {1}\n", SystemBits.PopCount, BitList.Format(SystemBits.SetBits())));
        w.Write(pad + "| CPU | avl | man | mac | act | vectors\n");
        foreach (var cm in _maps)
        {
            if (!cm.Online) continue;
            w.Write(string.Format(ci, "{0} {1,4}  {2,4}  {3,4}  {4,4} {5,4}  {6}\n", pad, cm.Cpu,
                cm.AvailableUnsigned, unchecked((uint)cm.Managed), unchecked((uint)cm.ManagedAllocated),
                unchecked((uint)cm.Allocated), BitList.Format(cm.AllocBits.SetBits())));
        }
    }

    public string DumpText() { var sw = new StringWriter(); Dump(sw); return sw.ToString(); }
}

/// <summary>A seed-001 contiguous block: <see cref="Live"/> holds its slots not yet freed.</summary>
public sealed record MatrixBlock(int Cpu, int Base, int Num, int AlignLog2)
{
    public Bitmap256 Live { get; init; }
}
