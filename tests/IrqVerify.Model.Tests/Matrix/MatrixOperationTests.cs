using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;
using static IrqVerify.Model.Tests.Matrix.MatrixKit;

namespace IrqVerify.Model.Tests.Matrix;

/// <summary>Counter arithmetic and choices of every kernel/irq/matrix.c operation (spec §1.2).</summary>
public class MatrixOperationTests
{
    // ------------------------------------------------------------ online / offline

    [Fact]
    public void Online_first_time_computes_available_from_window_managed_and_system_bits()
    {
        var m = X86(online: false);
        Assert.Equal(203, m.AllocSize);
        Assert.Equal(2, m.SystemBitsInAlloc);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(2)));   // offline, never initialized: no drift
        m.Online(0);
        m.Online(2);
        Assert.Equal(201, m.Map(0).Available);
        Assert.Equal(200, m.Map(2).Available);
        Assert.False(m.Map(2).ManagedChangedWhileOffline);
        Assert.Equal(401, m.GlobalAvailable);
        Assert.Equal(2, m.OnlineMaps);
        Assert.True(m.Map(2).Initialized);
        Clean(m);
    }

    [Fact]
    public void Online_again_reuses_the_counter_and_offline_only_drops_global_accounting()
    {
        var m = X86();
        int bit = m.AllocOn(1);
        m.Offline(1);
        Assert.Equal(3, m.OnlineMaps);
        Assert.Equal(3 * 201, m.GlobalAvailable);
        Assert.False(m.Map(1).Online);
        Assert.Equal(200, m.Map(1).Available);
        Assert.True(m.Map(1).AllocMap.Test(bit));
        Assert.Equal(1, m.Map(1).Allocated);
        Assert.Equal(1, m.TotalAllocated);
        m.Online(1);
        Assert.Equal(200, m.Map(1).Available);
        Assert.Equal(3 * 201 + 200, m.GlobalAvailable);
        Clean(m);
    }

    [Fact]
    public void Online_of_an_online_cpu_is_a_fatal_assertion_without_state_change()
    {
        var log = new DiagnosticLog();
        var m = X86(log: log);
        ulong before = m.Fingerprint(false);
        m.Online(3);
        Assert.Equal(before, m.Fingerprint(false));
        var d = Assert.Single(log.Items);
        Assert.Equal(Severity.Fatal, d.Severity);
        Assert.Equal("irq_matrix_online", d.Rule);
        Clean(m);
    }

    // ------------------------------------------------------------ assign_system / assign

    [Fact]
    public void AssignSystem_counts_only_window_bits_and_needs_boot_conditions()
    {
        var log = new DiagnosticLog();
        var m = new IrqMatrix(2, 256, 0x20, 0xeb, log);
        m.AssignSystem(0, 0x02, false);          // below the window
        m.AssignSystem(0, 0xf0, false);          // above it
        m.AssignSystem(0, 0x32, false);
        Assert.Equal(1, m.SystemBitsInAlloc);
        Assert.Equal(3, m.SystemMap.PopCount);
        m.Online(0);
        m.AssignSystem(0, 0x80, false);          // one map online needs replace
        m.AssignSystem(0, 300, true);            // bit > matrix_bits
        m.AssignSystem(0, 256, false);           // == matrix_bits: passes the kernel check, outside the bitmap
        Assert.Equal(1, m.SystemBitsInAlloc);
        Assert.Equal(3, m.SystemMap.PopCount);
        Assert.All(log.Items, d => Assert.Equal(Severity.Fatal, d.Severity));
        Assert.Equal(3, log.Count);
        Assert.Equal(202, m.Map(0).Available);
    }

    [Fact]
    public void AssignSystem_replace_turns_an_allocated_slot_into_a_system_slot_keeping_available()
    {
        var log = new DiagnosticLog();
        var m = new IrqMatrix(2, 256, 0x20, 0xeb, log);
        m.Online(0);
        m.Assign(0, 0x30);                       // legacy ISA vector
        Assert.Equal(202, m.Map(0).Available);
        m.AssignSystem(0, 0x31, true);           // not allocated: fatal, nothing changes
        Assert.Equal(Severity.Fatal, Assert.Single(log.Items).Severity);
        Assert.False(m.SystemMap.Test(0x31));
        m.AssignSystem(0, 0x30, true);
        Assert.True(m.SystemMap.Test(0x30));
        Assert.False(m.Map(0).AllocMap.Test(0x30));
        Assert.Equal(0, m.Map(0).Allocated);
        Assert.Equal(0, m.TotalAllocated);
        Assert.Equal(1, m.SystemBitsInAlloc);
        Assert.Equal(202, m.Map(0).Available);
        Assert.Equal(202, m.GlobalAvailable);
        m.Online(1);
        m.AssignSystem(1, 0x40, true);           // two maps online: fatal even with replace
        Assert.Equal(2, log.Count);
        Clean(m);
    }

    [Fact]
    public void AssignSystem_after_a_double_offline_is_fatal_because_online_maps_wrapped()
    {
        // Found by the matrix differential (docs/conformance.md): online_maps is unsigned in
        // matrix.c, so offline without online wraps it to UINT_MAX and BUG_ON(online_maps > 1) fires.
        var log = new DiagnosticLog();
        var m = new IrqMatrix(4, 64, 2, 28, log);
        m.Offline(0);
        Assert.Equal(-1, m.OnlineMaps);
        m.AssignSystem(3, 8, false);
        Assert.Equal(Severity.Fatal, Assert.Single(log.Items).Severity);
        Assert.False(m.SystemMap.Test(8));
        Assert.Equal(0, m.SystemBitsInAlloc);
    }

    [Fact]
    public void Assign_charges_the_local_cpu_and_warns_outside_window_or_when_taken()
    {
        var log = new DiagnosticLog();
        var m = X86(log: log);
        m.Assign(0, 0x30);
        Assert.Equal(1, m.Map(0).Allocated);
        Assert.Equal(200, m.Map(0).Available);
        Assert.Equal(4 * 201 - 1, m.GlobalAvailable);
        Assert.Equal(1, m.TotalAllocated);
        ulong before = m.Fingerprint(false);
        m.Assign(0, 0x30);
        m.Assign(0, 0x1f);
        m.Assign(0, 0xeb);
        Assert.Equal(before, m.Fingerprint(false));
        Assert.Equal(3, log.Count);
        Assert.All(log.Items, d => { Assert.Equal(Severity.Warn, d.Severity); Assert.Equal("irq_matrix_assign", d.Rule); });
        Clean(m);
    }

    // ------------------------------------------------------------ alloc

    [Fact]
    public void Alloc_takes_lowest_free_slot_on_the_cpu_with_most_available_first_on_ties()
    {
        var m = X86();
        Assert.Equal(Errno.Ok, m.Alloc(CpuMask.Of(1, 2, 3), false, out int cpu, out int bit));
        Assert.Equal((1, 0x20), (cpu, bit));                     // tie 201/201/201 → first
        Assert.Equal(Errno.Ok, m.Alloc(CpuMask.Of(1, 2, 3), false, out cpu, out bit));
        Assert.Equal((2, 0x20), (cpu, bit));                     // CPU1 now has 200
        m.AllocOn(3);
        Assert.Equal(Errno.Ok, m.Alloc(CpuMask.Of(1, 2, 3), false, out cpu, out bit));
        Assert.Equal((1, 0x21), (cpu, bit));
        Assert.Equal(199, m.Map(1).Available);
        Assert.Equal(2, m.Map(1).Allocated);
        Assert.Equal(4, m.TotalAllocated);
        Assert.Equal(4 * 201 - 4, m.GlobalAvailable);
        Clean(m);
    }

    [Fact]
    public void Alloc_skips_the_system_bit_and_offline_cpus()
    {
        var m = X86();
        for (int i = 0; i < 0x12; i++) m.AllocOn(0);            // 0x20..0x31
        Assert.Equal(0x33, m.AllocOn(0));                        // 0x32 is the PIC cascade system vector
        m.Offline(1);
        Assert.Equal(Errno.ENOSPC, m.Alloc(CpuMask.Of(1), false, out int cpu, out _));
        Assert.Equal(-1, cpu);
        Assert.Equal(Errno.Ok, m.Alloc(CpuMask.Of(1, 2), false, out cpu, out _));
        Assert.Equal(2, cpu);
        Clean(m);
    }

    [Fact]
    public void Alloc_with_empty_mask_is_einval_and_full_cpus_give_enospc()
    {
        var m = Tiny(2);
        ulong before = m.Fingerprint(false);
        Assert.Equal(Errno.EINVAL, m.Alloc(CpuMask.Empty, false, out _, out _));
        Assert.Equal(before, m.Fingerprint(false));
        m.Fill(0);
        Assert.Equal(0, m.Map(0).Available);
        before = m.Fingerprint(false);
        Assert.Equal(Errno.ENOSPC, m.Alloc(CpuMask.Of(0), false, out _, out _));
        Assert.Equal(before, m.Fingerprint(false));
        Assert.Equal(Errno.Ok, m.Alloc(CpuMask.Of(0, 1), false, out int cpu, out int bit));
        Assert.Equal((1, 0x20), (cpu, bit));
        Clean(m);
    }

    [Fact]
    public void Alloc_reserved_consumes_a_reservation()
    {
        var m = X86();
        m.Reserve();
        m.Reserve();
        Assert.Equal(2, m.Reserved());
        Assert.Equal(Errno.Ok, m.Alloc(CpuMask.Of(0), true, out _, out _));
        Assert.Equal(1, m.GlobalReserved);
        Assert.Equal(Errno.Ok, m.Alloc(CpuMask.Of(0), false, out _, out _));
        Assert.Equal(1, m.GlobalReserved);
        m.RemoveReserved();
        Assert.Equal(0, m.GlobalReserved);
        Clean(m);
    }

    [Fact]
    public void Reserve_reports_when_reservations_reach_global_available()
    {
        var log = new DiagnosticLog();
        var m = Tiny(1, log: log);                               // global_available 4
        for (int i = 0; i < 4; i++) m.Reserve();
        Assert.Empty(log.Items);
        m.Reserve();                                             // reserved == available == 4 before it
        Assert.Equal(5, m.GlobalReserved);
        var d = Assert.Single(log.Items);
        Assert.Equal(("irq_matrix_reserve", Severity.Info), (d.Rule, d.Severity));
    }

    [Fact]
    public void RemoveReserved_at_zero_goes_negative_like_the_unsigned_kernel_counter_wraps()
    {
        var m = Tiny(1);
        m.RemoveReserved();
        Assert.Equal(-1, m.GlobalReserved);
        Assert.Equal(["I-M9"], MatrixInvariants.CheckAll(m).Ids());
    }

    [Fact]
    public void Alloc_has_no_fallback_when_drifted_counters_pick_a_full_cpu()
    {
        var m = Tiny(2);
        m.Offline(0);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0)));  // §1.4: offline, available not charged
        m.Online(0);
        Assert.Equal(4, m.Map(0).Available);                      // only 3 slots are really free
        for (int i = 0; i < 3; i++) m.AllocOn(0);
        for (int i = 0; i < 3; i++) m.AllocOn(1);
        Assert.Equal((1, 1), (m.Map(0).Available, m.Map(1).Available));
        ulong before = m.Fingerprint(false);
        Assert.Equal(Errno.ENOSPC, m.Alloc(CpuMask.Of(0, 1), false, out int cpu, out _));
        Assert.Equal(-1, cpu);                                    // CPU1 had room: no fallback
        Assert.Equal(before, m.Fingerprint(false));
        Clean(m);
    }

    // ------------------------------------------------------------ free

    [Fact]
    public void Free_non_managed_returns_the_slot_to_available()
    {
        var m = X86();
        int bit = m.AllocOn(2);
        m.Free(2, bit, managed: false);
        Assert.False(m.Map(2).AllocMap.Test(bit));
        Assert.Equal(0, m.Map(2).Allocated);
        Assert.Equal(201, m.Map(2).Available);
        Assert.Equal(4 * 201, m.GlobalAvailable);
        Assert.Equal(0, m.TotalAllocated);
        Clean(m);
    }

    [Fact]
    public void Free_on_an_offline_cpu_skips_total_allocated_and_global_available()
    {
        var m = X86();
        int bit = m.AllocOn(2);
        m.Offline(2);
        m.Free(2, bit, managed: false);
        Assert.Equal(0, m.Map(2).Allocated);
        Assert.Equal(201, m.Map(2).Available);
        Assert.Equal(1, m.TotalAllocated);                       // the §1.4 skip
        Assert.Equal(1, m.OfflineFreeSkips);
        Assert.Equal(3 * 201, m.GlobalAvailable);
        m.Online(2);
        Assert.Equal(4 * 201, m.GlobalAvailable);
        Assert.Equal(1, m.TotalAllocated);
        Clean(m);
    }

    [Fact]
    public void Free_outside_window_or_of_an_unallocated_bit_warns_and_changes_nothing()
    {
        var log = new DiagnosticLog();
        var m = X86(log: log);
        m.AllocOn(0);
        ulong before = m.Fingerprint(false);
        m.Free(0, 0x21, false);
        m.Free(0, 0x10, false);
        m.Free(0, 0xeb, true);
        Assert.Equal(before, m.Fingerprint(false));
        Assert.Equal(3, log.Count);
        Assert.All(log.Items, d => { Assert.Equal(Severity.Warn, d.Severity); Assert.Equal("irq_matrix_free", d.Rule); });
        Assert.Equal(200, m.Map(0).Available);
        Clean(m);
    }

    // ------------------------------------------------------------ managed

    [Fact]
    public void ReserveManaged_charges_online_cpus_only_and_takes_the_lowest_free_slot_per_cpu()
    {
        var m = X86();
        m.AllocOn(1);                                            // CPU1 0x20 taken
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0, 1)));
        Assert.True(m.Map(0).ManagedMap.Test(0x20));
        Assert.True(m.Map(1).ManagedMap.Test(0x21));             // offset differs per CPU
        Assert.Equal((1, 200), (m.Map(0).Managed, m.Map(0).Available));
        Assert.Equal((1, 199), (m.Map(1).Managed, m.Map(1).Available));
        Assert.Equal(4 * 201 - 3, m.GlobalAvailable);
        Assert.Equal(Errno.Ok, m.Alloc(CpuMask.Of(0), false, out _, out int bit));
        Assert.Equal(0x21, bit);                                 // non-managed skips the managed bit
        Clean(m);
    }

    [Fact]
    public void ReserveManaged_is_all_or_nothing_with_rollback_of_the_earlier_cpus()
    {
        var m = Tiny(3);
        m.Fill(1);
        ulong before = m.Fingerprint(true);
        Assert.Equal(Errno.ENOSPC, m.ReserveManaged(CpuMask.Of(0, 1, 2)));
        Assert.Equal(before, m.Fingerprint(true));
        Assert.Equal((0, 4), (m.Map(0).Managed, m.Map(0).Available));
        Assert.True(m.Map(0).ManagedMap.IsEmpty);
        Assert.Equal(0, m.Map(2).Managed);                       // never reached
        Assert.Equal(8, m.GlobalAvailable);
        Clean(m);
    }

    [Fact]
    public void ReserveManaged_rollback_removes_the_lowest_unallocated_managed_bit_not_the_new_one()
    {
        var m = Tiny(2);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0)));  // CPU0 managed 0x20
        Assert.Equal(0x21, m.AllocOn(0));
        m.Fill(1);
        Assert.Equal(Errno.ENOSPC, m.ReserveManaged(CpuMask.Of(0, 1)));
        // took 0x22 on CPU0, rollback removed the lowest unallocated managed bit: 0x20
        Assert.False(m.Map(0).ManagedMap.Test(0x20));
        Assert.True(m.Map(0).ManagedMap.Test(0x22));
        Assert.Equal((1, 2), (m.Map(0).Managed, m.Map(0).Available));
        Clean(m);                                                // I-M11 compares managed populations
    }

    [Fact]
    public void ReserveManaged_works_for_offline_cpus()
    {
        var m = X86();
        m.Offline(3);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(2, 3)));
        Assert.Equal(1, m.Map(3).Managed);
        Assert.Equal(201, m.Map(3).Available);
        Assert.Equal(200, m.Map(2).Available);
        Assert.Equal(3 * 201 - 1, m.GlobalAvailable);
        Clean(m);
    }

    [Fact]
    public void Reserve_managed_rolled_back_on_an_offline_cpu_leaves_the_matrix_as_it_was()
    {
        // I-M11 finding (verify, seed 4): CPU0 offline after its first online, CPU1 full; the
        // reservation on CPU0 is taken (no charge, drift +1) and rolled back (drift -1) when CPU1
        // has no room: the state is unchanged, only the sticky diagnostic flag remembers it.
        var m = Tiny(cpus: 2);
        m.Offline(0);
        m.Fill(1);
        Assert.Equal(Errno.ENOSPC, m.ReserveManaged(CpuMask.Of(0, 1)));
        Assert.Equal(0, m.Map(0).Managed);
        Assert.Equal(0, m.Map(0).AvailableDrift);
        Assert.True(m.Map(0).ManagedChangedWhileOffline);
        var v = new List<Violation>();
        MatrixInvariants.IM11(m, v);
        Assert.Empty(v);
        Clean(m);
    }

    [Fact]
    public void Offline_managed_reservation_drift_is_reproduced_exactly()
    {
        var m = X86();
        m.Offline(1);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(1)));
        m.Online(1);
        var cm = m.Map(1);
        Assert.Equal(201, cm.Available);                         // formula says 203 − 2 − 1 = 200
        Assert.True(cm.ManagedChangedWhileOffline);
        Assert.Equal(1, cm.AvailableDrift);
        Assert.Equal(4 * 201, m.GlobalAvailable);
        Clean(m);                                                // I-M5 accounts for the drift
        m.Offline(1);
        m.RemoveManaged(CpuMask.Of(1));                          // removal while offline: drift back to 0
        m.Online(1);
        Assert.Equal(201, cm.Available);
        Assert.Equal(0, cm.AvailableDrift);
        Assert.True(cm.ManagedChangedWhileOffline);
        m.Offline(1);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(1)));
        m.RemoveManaged(CpuMask.Of(1));
        m.RemoveManaged(CpuMask.Of(1));                          // managed 0: WARN, skipped
        m.Online(1);
        Assert.Equal((201, 0, 0), (cm.Available, cm.Managed, cm.AvailableDrift));
        Clean(m);
    }

    [Fact]
    public void Offline_managed_removal_lets_available_underflow_like_the_kernel()
    {
        var m = Tiny(1);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0)));  // available 3
        m.Offline(0);
        m.RemoveManaged(CpuMask.Of(0));                          // not credited: drift −1
        m.Online(0);
        Assert.Equal(3, m.Map(0).Available);                     // 4 slots are free
        m.Fill(0);
        Assert.Equal(0, m.Map(0).Available);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0)));  // one real slot left: charged anyway
        Assert.Equal(-1, m.Map(0).Available);
        Assert.Equal(uint.MaxValue, m.Map(0).AvailableUnsigned);
        Assert.Equal(["I-M7"], MatrixInvariants.CheckAll(m).Ids()); // the counter wrapped
    }

    [Fact]
    public void RemoveManaged_drops_the_lowest_unallocated_managed_bit_and_warns_otherwise()
    {
        var log = new DiagnosticLog();
        var m = Tiny(2, log: log);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0)));
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0)));  // 0x20, 0x21
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(0), out _, out int bit));
        Assert.Equal(0x20, bit);
        m.RemoveManaged(CpuMask.Of(0, 1));                       // CPU1 has none: WARN, skip
        Assert.Equal(1, m.Map(0).Managed);
        Assert.True(m.Map(0).ManagedMap.Test(0x20));
        Assert.False(m.Map(0).ManagedMap.Test(0x21));
        Assert.Equal(3, m.Map(0).Available);
        m.RemoveManaged(CpuMask.Of(0));                          // the only one is allocated: WARN
        Assert.Equal(1, m.Map(0).Managed);
        Assert.Equal(2, log.Count);
        Assert.All(log.Items, d => Assert.Equal(("irq_matrix_remove_managed", Severity.Warn), (d.Rule, d.Severity)));
        Clean(m);
    }

    [Fact]
    public void AllocManaged_picks_fewest_managed_allocated_last_on_ties_and_keeps_available()
    {
        var m = X86();
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0, 1, 2)));
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0, 1, 2)));
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(0, 1, 2), out int cpu, out int bit));
        Assert.Equal((2, 0x20), (cpu, bit));                     // tie 0/0/0 → last
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(0, 1, 2), out cpu, out bit));
        Assert.Equal((1, 0x20), (cpu, bit));
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(0, 1, 2), out cpu, out bit));
        Assert.Equal((0, 0x20), (cpu, bit));
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(0, 1, 2), out cpu, out bit));
        Assert.Equal((2, 0x21), (cpu, bit));
        var cm = m.Map(2);
        Assert.Equal((2, 2, 2, 199), (cm.Allocated, cm.ManagedAllocated, cm.Managed, cm.Available));
        Assert.Equal(4, m.TotalAllocated);
        Assert.Equal(4 * 201 - 6, m.GlobalAvailable);
        Clean(m);
    }

    [Fact]
    public void AllocManaged_has_no_fallback_and_needs_an_online_cpu()
    {
        var m = X86();
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0)));
        // CPU1 has no managed slot but is the last of the tie → -ENOSPC although CPU0 has one
        Assert.Equal(Errno.ENOSPC, m.AllocManaged(CpuMask.Of(0, 1), out int cpu, out _));
        Assert.Equal(-1, cpu);
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(0), out cpu, out _));
        Assert.Equal(Errno.EINVAL, m.AllocManaged(CpuMask.Empty, out _, out _));
        m.Offline(2);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(2)));
        Assert.Equal(Errno.ENOSPC, m.AllocManaged(CpuMask.Of(2), out _, out _));
        Clean(m);
    }

    [Fact]
    public void Managed_free_keeps_the_reservation_and_available()
    {
        var m = X86();
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(1)));
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(1), out _, out int bit));
        m.Free(1, bit, managed: true);
        var cm = m.Map(1);
        Assert.True(cm.ManagedMap.Test(bit));
        Assert.Equal((0, 0, 1, 200), (cm.Allocated, cm.ManagedAllocated, cm.Managed, cm.Available));
        Assert.Equal(0, m.TotalAllocated);
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(1), out _, out int again));
        Assert.Equal(bit, again);
        Clean(m);
    }

    // ------------------------------------------------------------ queries and K1

    [Fact]
    public void Available_with_cpudown_subtracts_the_local_cpu()
    {
        var m = X86();
        m.AllocOn(1);
        Assert.Equal(4 * 201 - 1, m.Available(1, cpudown: false));
        Assert.Equal(3 * 201, m.Available(1, cpudown: true));
        Assert.Equal(3 * 201 - 1, m.Available(0, cpudown: true));
    }

    [Fact]
    public void Allocated_counts_non_managed_only_and_K1_counts_all()
    {
        var variants = new Variants();
        var m = X86(variants: variants);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0)));
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(0), out _, out _));
        m.AllocOn(0);
        m.AllocOn(0);
        Assert.Equal(2, m.Allocated(0));
        variants[1] = true;
        Assert.Equal(3, m.Allocated(0));
        Assert.Equal(["I-M17"], MatrixInvariants.CheckAll(m).Ids());
    }

    [Fact]
    public void Trace_effects_name_cpu_and_vector()
    {
        var trace = new TextTrace();
        var m = X86();
        m.Trace = trace;
        m.AllocOn(1);
        m.Free(1, 0x20, false);
        trace.Flush("test");
        Assert.Equal("[test] - : matrix: alloc CPU1 vector 0x20; matrix: free CPU1 vector 0x20", Assert.Single(trace.Lines));
    }

    [Fact]
    public void Masks_with_impossible_cpus_are_misuse_and_clipped()
    {
        var log = new DiagnosticLog();
        var m = X86(log: log);
        Assert.Equal(Errno.EINVAL, m.Alloc(CpuMask.Of(9), false, out _, out _));
        Assert.Equal(Severity.Misuse, Assert.Single(log.Items).Severity);
        m.Free(7, 0x20, false);
        Assert.Equal(2, log.Count);
        Clean(m);
    }
}
