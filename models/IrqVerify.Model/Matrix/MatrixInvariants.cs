using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;

namespace IrqVerify.Model.Matrix;

/// <summary>
/// Invariants of kernel/irq/matrix.c (spec §8, I-M1..I-M17). I-M1..I-M9 and I-M17 are pure state
/// checks. I-M10..I-M16 are about what an operation did: they read the matrix's
/// <see cref="MatrixOpRecord"/> (arguments, per-CPU snapshot at entry, result) and recompute the
/// kernel's expected choice from the snapshot; parts that compare with the current state only
/// apply while the record is current (no operation since). Each reads the matrix and nothing else:
/// the incremental checker skips them while the matrix's epoch stands still.
/// </summary>
public static class MatrixInvariants
{
    /// <summary>What every check of this class reads: a pure function of the matrix.</summary>
    public const StateScope Reads = StateScope.Matrix;

    public static IEnumerable<InvariantCheck> All => InvariantCheck.Reading(Reads,
    [
        new("I-M1", InvariantKind.Safety, "allocated equals the population of alloc_map", IM1),
        new("I-M2", InvariantKind.Safety, "managed equals the population of managed_map", IM2),
        new("I-M3", InvariantKind.Safety, "managed_allocated equals |alloc_map ∩ managed_map| and is ≤ managed", IM3),
        new("I-M4", InvariantKind.Safety, "alloc/managed bits lie in the window and never on a system bit", IM4),
        new("I-M5", InvariantKind.Safety, "available = alloc_size − systembits_inalloc − managed − non-managed allocations (modulo the §1.4 offline drift)", IM5),
        new("I-M6", InvariantKind.Safety, "global_available = Σ available over online CPUs", IM6),
        new("I-M7", InvariantKind.Safety, "total_allocated = Σ allocated (+ frees that hit an offline CPU); counters never wrap", IM7),
        new("I-M8", InvariantKind.Safety, "online_maps = #online maps; systembits_inalloc = |system_map ∩ window|", IM8),
        new("I-M9", InvariantKind.Safety, "global_reserved ≥ 0", IM9),
        new("I-M10", InvariantKind.Safety, "irq_matrix_alloc picks the online CPU with most available (first on ties) and its lowest free slot", IM10),
        new("I-M11", InvariantKind.Safety, "empty mask gives -EINVAL; a failing operation leaves the state unchanged", IM11),
        new("I-M12", InvariantKind.Safety, "irq_matrix_alloc_managed picks the online CPU with fewest managed allocations (last on ties), its lowest free managed bit, no fallback, available unchanged", IM12),
        new("I-M13", InvariantKind.Safety, "a free outside the window or of an unallocated bit is rejected without state change", IM13),
        new("I-M14", InvariantKind.Safety, "irq_matrix_reserve_managed is all-or-nothing and works for offline CPUs", IM14),
        new("I-M15", InvariantKind.Safety, "a managed free keeps the reservation; remove_managed only removes an unallocated managed bit", IM15),
        new("I-M16", InvariantKind.Safety, "every public allocation takes exactly one slot (blocks only with the contiguous variant, aligned)", IM16),
        new("I-M17", InvariantKind.Safety, "irq_matrix_allocated() returns allocated − managed_allocated", IM17),
    ]);

    /// <summary>Runs I-M1..I-M17 over a matrix on its own (unit tests, the x86 domain's self-checks).</summary>
    public static List<Violation> CheckAll(IrqMatrix x)
    {
        var v = new List<Violation>();
        IM1(x, v); IM2(x, v); IM3(x, v); IM4(x, v); IM5(x, v); IM6(x, v); IM7(x, v); IM8(x, v); IM9(x, v);
        IM10(x, v); IM11(x, v); IM12(x, v); IM13(x, v); IM14(x, v); IM15(x, v); IM16(x, v); IM17(x, v);
        return v;
    }

    private static Bitmap256 Window(IrqMatrix x) => x.WindowBits;

    /// <summary>I-M1: per CPU, allocated == |alloc_map|.</summary>
    public static void IM1(Machine m, List<Violation> v) => IM1(m.Matrix, v);

    public static void IM1(IrqMatrix x, List<Violation> v)
    {
        for (int c = 0; c < x.Cpus; c++)
        {
            var cm = x.Map(c);
            if (cm.Allocated != cm.AllocBits.PopCount)
                v.Add(new("I-M1", $"CPU{c}: allocated {cm.Allocated} but alloc_map holds {cm.AllocBits.PopCount} bits ({cm.AllocBits})"));
        }
    }

    /// <summary>I-M2: per CPU, managed == |managed_map|.</summary>
    public static void IM2(Machine m, List<Violation> v) => IM2(m.Matrix, v);

    public static void IM2(IrqMatrix x, List<Violation> v)
    {
        for (int c = 0; c < x.Cpus; c++)
        {
            var cm = x.Map(c);
            if (cm.Managed != cm.ManagedBits.PopCount)
                v.Add(new("I-M2", $"CPU{c}: managed {cm.Managed} but managed_map holds {cm.ManagedBits.PopCount} bits ({cm.ManagedBits})"));
        }
    }

    /// <summary>I-M3: per CPU, managed_allocated == |alloc_map ∩ managed_map| ≤ managed.</summary>
    public static void IM3(Machine m, List<Violation> v) => IM3(m.Matrix, v);

    public static void IM3(IrqMatrix x, List<Violation> v)
    {
        for (int c = 0; c < x.Cpus; c++)
        {
            var cm = x.Map(c);
            int both = (cm.AllocBits & cm.ManagedBits).PopCount;
            if (cm.ManagedAllocated != both)
                v.Add(new("I-M3", $"CPU{c}: managed_allocated {cm.ManagedAllocated} but {both} allocated bits are managed"));
            if (cm.ManagedAllocated > cm.Managed)
                v.Add(new("I-M3", $"CPU{c}: managed_allocated {cm.ManagedAllocated} exceeds managed {cm.Managed}"));
        }
    }

    /// <summary>I-M4: alloc_map, managed_map ⊆ window; no window bit both system and allocated/managed.
    /// (A non-managed allocation on a managed bit shows up in I-M3's count.)</summary>
    public static void IM4(Machine m, List<Violation> v) => IM4(m.Matrix, v);

    public static void IM4(IrqMatrix x, List<Violation> v)
    {
        var w = Window(x);
        var sys = x.SystemBits & w;
        for (int c = 0; c < x.Cpus; c++)
        {
            var cm = x.Map(c);
            var outA = cm.AllocBits & ~w;
            var outM = cm.ManagedBits & ~w;
            var onSys = sys & (cm.AllocBits | cm.ManagedBits);
            if (!outA.IsEmpty) v.Add(new("I-M4", $"CPU{c}: allocated vectors {outA} outside the window"));
            if (!outM.IsEmpty) v.Add(new("I-M4", $"CPU{c}: managed vectors {outM} outside the window"));
            if (!onSys.IsEmpty) v.Add(new("I-M4", $"CPU{c}: vectors {onSys} are system vectors and allocated/managed"));
        }
    }

    /// <summary>I-M5: for an initialized CPU, available − drift == alloc_size − systembits_inalloc −
    /// managed − (allocated − managed_allocated). The drift is the §1.4 offline asymmetry, zero for
    /// CPUs without offline managed-reservation changes.</summary>
    public static void IM5(Machine m, List<Violation> v) => IM5(m.Matrix, v);

    public static void IM5(IrqMatrix x, List<Violation> v)
    {
        for (int c = 0; c < x.Cpus; c++)
        {
            var cm = x.Map(c);
            if (!cm.Initialized) continue;
            int expect = x.AllocSize - x.SystemBitsInAlloc - cm.Managed - cm.NonManagedAllocated;
            if (cm.Available - cm.AvailableDrift != expect)
                v.Add(new("I-M5", $"CPU{c}: available {cm.Available} (offline drift {cm.AvailableDrift}) but {x.AllocSize} − {x.SystemBitsInAlloc} − {cm.Managed} − {cm.NonManagedAllocated} = {expect}"));
        }
    }

    /// <summary>I-M6: global_available == Σ available over online CPUs.</summary>
    public static void IM6(Machine m, List<Violation> v) => IM6(m.Matrix, v);

    public static void IM6(IrqMatrix x, List<Violation> v)
    {
        long sum = 0;
        for (int c = 0; c < x.Cpus; c++) if (x.Map(c).Online) sum += x.Map(c).Available;
        if (x.GlobalAvailable != sum)
            v.Add(new("I-M6", $"global_available {x.GlobalAvailable} but online CPUs have {sum} available"));
    }

    /// <summary>I-M7: total_allocated == Σ allocated + frees that skipped it on an offline CPU;
    /// no counter below zero (the kernel's unsigned counters would have wrapped).</summary>
    public static void IM7(Machine m, List<Violation> v) => IM7(m.Matrix, v);

    public static void IM7(IrqMatrix x, List<Violation> v)
    {
        long sum = 0;
        for (int c = 0; c < x.Cpus; c++)
        {
            var cm = x.Map(c);
            sum += cm.Allocated;
            if (cm.Available < 0 || cm.Allocated < 0 || cm.Managed < 0 || cm.ManagedAllocated < 0)
                v.Add(new("I-M7", $"CPU{c}: counter wrapped (avl {cm.Available}, act {cm.Allocated}, man {cm.Managed}, mac {cm.ManagedAllocated})"));
        }
        if (x.TotalAllocated != sum + x.OfflineFreeSkips)
            v.Add(new("I-M7", $"total_allocated {x.TotalAllocated} but Σ allocated {sum} + {x.OfflineFreeSkips} offline frees"));
        if (x.TotalAllocated < 0 || x.GlobalAvailable < 0 || x.OnlineMaps < 0)
            v.Add(new("I-M7", $"global counter wrapped (total_allocated {x.TotalAllocated}, global_available {x.GlobalAvailable}, online_maps {x.OnlineMaps})"));
    }

    /// <summary>I-M8: online_maps == #online; systembits_inalloc == |system_map ∩ window|.</summary>
    public static void IM8(Machine m, List<Violation> v) => IM8(m.Matrix, v);

    public static void IM8(IrqMatrix x, List<Violation> v)
    {
        int online = 0;
        for (int c = 0; c < x.Cpus; c++) if (x.Map(c).Online) online++;
        if (x.OnlineMaps != online)
            v.Add(new("I-M8", $"online_maps {x.OnlineMaps} but {online} CPU maps are online"));
        int sys = (x.SystemBits & Window(x)).PopCount;
        if (x.SystemBitsInAlloc != sys)
            v.Add(new("I-M8", $"systembits_inalloc {x.SystemBitsInAlloc} but the window holds {sys} system bits"));
    }

    /// <summary>I-M9: global_reserved ≥ 0 (its equality with the x86 has_reserved count is I-V12).</summary>
    public static void IM9(Machine m, List<Violation> v) => IM9(m.Matrix, v);

    public static void IM9(IrqMatrix x, List<Violation> v)
    {
        if (x.GlobalReserved < 0)
            v.Add(new("I-M9", $"global_reserved {x.GlobalReserved} < 0 (more reservations removed than made)"));
    }

    /// <summary>Lowest window bit set in <paramref name="candidates"/>, or -1.</summary>
    private static int Lowest(IrqMatrix x, Bitmap256 candidates)
    {
        int b = candidates.NextSet(x.AllocStart);
        return b >= 0 && b < x.AllocEnd ? b : -1;
    }

    /// <summary>I-M10: the last irq_matrix_alloc chose as matrix_find_best_cpu + matrix_alloc_area would
    /// from the state it saw, and failed only when that found nothing.</summary>
    public static void IM10(Machine m, List<Violation> v) => IM10(m.Matrix, v);

    public static void IM10(IrqMatrix x, List<Violation> v)
    {
        var r = x.LastOp;
        if (r.Kind != MatrixOpKind.Alloc || r.Mask.IsEmpty) return;
        int best = -1;
        uint max = 0;
        foreach (int c in r.Mask)
        {
            var s = r.SnapshotOf(c);
            uint avl = unchecked((uint)s.Available);
            if (s.Online && avl > max) { best = c; max = avl; }
        }
        int bit = best < 0 ? -1 : Lowest(x, ~(r.SnapshotOf(best).AllocMap | r.SnapshotOf(best).ManagedMap | r.SystemMapBefore));
        if (bit < 0)
        {
            if (r.Result != Errno.ENOSPC)
                v.Add(new("I-M10", best < 0
                    ? $"alloc {r.Mask}: no online CPU with available > 0, expected -ENOSPC, got {r.Result.Format()} (CPU{r.ResultCpu})"
                    : $"alloc {r.Mask}: best CPU{best} has no free slot (drifted counter), expected -ENOSPC without fallback, got {r.Result.Format()} (CPU{r.ResultCpu})"));
            return;
        }
        if (r.Result != Errno.Ok || r.ResultCpu != best || r.ResultBit != bit)
            v.Add(new("I-M10", $"alloc {r.Mask}: expected CPU{best} vector 0x{bit:x}, got {r.Result.Format()} CPU{r.ResultCpu} vector 0x{r.ResultBit:x}"));
    }

    /// <summary>I-M11: an allocation with an empty mask returns -EINVAL; an operation that failed or
    /// was rejected (WARN / fatal assertion) left the matrix as it found it. Free is I-M13's.</summary>
    public static void IM11(Machine m, List<Violation> v) => IM11(m.Matrix, v);

    public static void IM11(IrqMatrix x, List<Violation> v)
    {
        var r = x.LastOp;
        bool alloc = r.Kind is MatrixOpKind.Alloc or MatrixOpKind.AllocManaged or MatrixOpKind.AllocBlock;
        if (alloc && r.Mask.IsEmpty && r.Result != Errno.EINVAL)
            v.Add(new("I-M11", $"{r.Kind} with an empty mask returned {r.Result.Format()}, expected -EINVAL"));
        if (r.Kind is MatrixOpKind.None or MatrixOpKind.Free || r.Index != x.OpCount) return;
        if ((r.Result != Errno.Ok || r.Rejected) && x.Fingerprint(r.Mask, r.LooseManagedMap) != r.FingerprintBefore)
            v.Add(new("I-M11", $"{r.Kind} {r.Mask} failed ({r.Result.Format()}{(r.Rejected ? ", rejected" : "")}) but changed the matrix"));
    }

    /// <summary>I-M12: the last irq_matrix_alloc_managed chose the online CPU with fewest managed
    /// allocations (last on ties) and its lowest reserved-unallocated bit; -ENOSPC without fallback
    /// when that CPU has none; the CPU's available did not move.</summary>
    public static void IM12(Machine m, List<Violation> v) => IM12(m.Matrix, v);

    public static void IM12(IrqMatrix x, List<Violation> v)
    {
        var r = x.LastOp;
        if (r.Kind != MatrixOpKind.AllocManaged || r.Mask.IsEmpty) return;
        int best = -1;
        uint least = uint.MaxValue;
        foreach (int c in r.Mask)
        {
            var s = r.SnapshotOf(c);
            uint mac = unchecked((uint)s.ManagedAllocated);
            if (s.Online && mac <= least) { best = c; least = mac; }
        }
        int bit = best < 0 ? -1 : Lowest(x, r.SnapshotOf(best).ManagedMap & ~r.SnapshotOf(best).AllocMap);
        if (bit < 0)
        {
            if (r.Result != Errno.ENOSPC)
                v.Add(new("I-M12", $"alloc_managed {r.Mask}: best CPU{best} has no free managed slot, expected -ENOSPC (no fallback), got {r.Result.Format()} CPU{r.ResultCpu}"));
            return;
        }
        if (r.Result != Errno.Ok || r.ResultCpu != best || r.ResultBit != bit)
        {
            v.Add(new("I-M12", $"alloc_managed {r.Mask}: expected CPU{best} vector 0x{bit:x}, got {r.Result.Format()} CPU{r.ResultCpu} vector 0x{r.ResultBit:x}"));
            return;
        }
        if (r.Index == x.OpCount && x.Map(best).Available != r.SnapshotOf(best).Available)
            v.Add(new("I-M12", $"alloc_managed changed CPU{best} available {r.SnapshotOf(best).Available} → {x.Map(best).Available}"));
    }

    /// <summary>I-M13: the last free was rejected iff its bit was outside the window or not allocated,
    /// and a rejected free changed nothing.</summary>
    public static void IM13(Machine m, List<Violation> v) => IM13(m.Matrix, v);

    public static void IM13(IrqMatrix x, List<Violation> v)
    {
        var r = x.LastOp;
        if (r.Kind != MatrixOpKind.Free) return;
        int cpu = r.Mask.First;
        bool bad = r.Bit < x.AllocStart || r.Bit >= x.AllocEnd || !r.SnapshotOf(cpu).AllocMap.Test(r.Bit);
        if (bad != r.Rejected)
            v.Add(new("I-M13", $"free CPU{cpu} vector 0x{r.Bit:x}: {(bad ? "outside the window or unallocated but accepted" : "valid but rejected")}"));
        if (r.Rejected && r.Index == x.OpCount && x.Fingerprint(r.Mask, false) != r.FingerprintBefore)
            v.Add(new("I-M13", $"rejected free CPU{cpu} vector 0x{r.Bit:x} changed the matrix"));
    }

    /// <summary>I-M14: the last reserve_managed succeeded iff every CPU of its mask (online or not) had a
    /// free slot; on success each CPU gained exactly one reservation (available charged only if
    /// online), on failure none kept one.</summary>
    public static void IM14(Machine m, List<Violation> v) => IM14(m.Matrix, v);

    public static void IM14(IrqMatrix x, List<Violation> v)
    {
        var r = x.LastOp;
        if (r.Kind != MatrixOpKind.ReserveManaged) return;
        bool room = true;
        foreach (int c in r.Mask)
        {
            var s = r.SnapshotOf(c);
            if (Lowest(x, ~(s.AllocMap | s.ManagedMap | r.SystemMapBefore)) < 0) room = false;
        }
        if (room != (r.Result == Errno.Ok))
            v.Add(new("I-M14", $"reserve_managed {r.Mask}: every CPU {(room ? "had" : "did not have")} a free slot but it returned {r.Result.Format()}"));
        if (r.Index != x.OpCount) return;
        foreach (int c in r.Mask)
        {
            var s = r.SnapshotOf(c);
            var cm = x.Map(c);
            int gained = cm.Managed - s.Managed;
            int expect = r.Result == Errno.Ok ? 1 : 0;
            if (gained != expect)
                v.Add(new("I-M14", $"reserve_managed {r.Mask} returned {r.Result.Format()} but CPU{c} gained {gained} reservations"));
            else if (cm.Available != s.Available - (s.Online ? expect : 0))
                v.Add(new("I-M14", $"reserve_managed {r.Mask}: CPU{c} ({(s.Online ? "online" : "offline")}) available {s.Available} → {cm.Available}"));
        }
    }

    /// <summary>I-M15: after a managed free the bit is still reserved; remove_managed removed at most one
    /// managed bit per CPU and only one that was not allocated.</summary>
    public static void IM15(Machine m, List<Violation> v) => IM15(m.Matrix, v);

    public static void IM15(IrqMatrix x, List<Violation> v)
    {
        var r = x.LastOp;
        if (r.Index != x.OpCount) return;
        if (r.Kind == MatrixOpKind.Free && r.Flag && !r.Rejected)
        {
            int cpu = r.Mask.First;
            var cm = x.Map(cpu);
            if (!cm.ManagedBits.Test(r.Bit) || cm.Managed != r.SnapshotOf(cpu).Managed)
                v.Add(new("I-M15", $"managed free CPU{cpu} vector 0x{r.Bit:x} dropped the reservation"));
        }
        if (r.Kind == MatrixOpKind.RemoveManaged)
        {
            foreach (int c in r.Mask)
            {
                var s = r.SnapshotOf(c);
                var removed = s.ManagedMap & ~x.Map(c).ManagedBits;
                var allocated = removed & s.AllocMap;
                if (removed.PopCount > 1 || !allocated.IsEmpty)
                    v.Add(new("I-M15", $"remove_managed CPU{c} removed {removed} ({(allocated.IsEmpty ? "more than one" : "allocated " + allocated)})"));
            }
        }
    }

    /// <summary>I-M16: the last alloc/alloc_managed took exactly one slot; live multi-slot blocks exist
    /// only with the contiguous-multi-msi variant and are naturally aligned, allocated, non-managed runs.</summary>
    public static void IM16(Machine m, List<Violation> v) => IM16(m.Matrix, v);

    public static void IM16(IrqMatrix x, List<Violation> v)
    {
        var r = x.LastOp;
        if (r.Index == x.OpCount && r.Result == Errno.Ok && r.Kind is MatrixOpKind.Alloc or MatrixOpKind.AllocManaged)
        {
            var s = r.SnapshotOf(r.ResultCpu);
            var cm = x.Map(r.ResultCpu);
            var taken = cm.AllocBits & ~s.AllocMap;
            if (taken.PopCount != 1 || cm.Allocated != s.Allocated + 1)
                v.Add(new("I-M16", $"{r.Kind} on CPU{r.ResultCpu} took {taken.PopCount} slots ({taken}), allocated {s.Allocated} → {cm.Allocated}"));
        }
        foreach (var b in x.Blocks)
        {
            var cm = x.Map(b.Cpu);
            var span = Bitmap256.Range(b.Base, Math.Min(b.Base + b.Num, Bitmap256.Bits));
            if (b.Num > 1 && !x.BlocksAllowed)
                v.Add(new("I-M16", $"CPU{b.Cpu}: {b.Num}-slot block at 0x{b.Base:x} without the contiguous-multi-msi variant"));
            if ((b.Base & ((1 << b.AlignLog2) - 1)) != 0)
                v.Add(new("I-M16", $"CPU{b.Cpu}: block at 0x{b.Base:x} not aligned to {1 << b.AlignLog2}"));
            if (!(b.Live & ~span).IsEmpty || !(b.Live & ~cm.AllocBits).IsEmpty || !(b.Live & cm.ManagedBits).IsEmpty)
                v.Add(new("I-M16", $"CPU{b.Cpu}: block at 0x{b.Base:x}+{b.Num} has slots {b.Live} not all its own, allocated and non-managed"));
        }
    }

    /// <summary>I-M17: irq_matrix_allocated() on every CPU counts only non-managed allocations (K1 breaks it).</summary>
    public static void IM17(Machine m, List<Violation> v) => IM17(m.Matrix, v);

    public static void IM17(IrqMatrix x, List<Violation> v)
    {
        for (int c = 0; c < x.Cpus; c++)
        {
            var cm = x.Map(c);
            int got = x.Allocated(c);
            if (got != cm.NonManagedAllocated)
                v.Add(new("I-M17", $"CPU{c}: irq_matrix_allocated() = {got}, expected allocated {cm.Allocated} − managed_allocated {cm.ManagedAllocated} = {cm.NonManagedAllocated}"));
        }
    }
}
