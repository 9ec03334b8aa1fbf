using IrqVerify.Designs.ContiguousMultiMsi;
using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;
using static IrqVerify.Model.Tests.Matrix.MatrixKit;

namespace IrqVerify.Model.Tests.Matrix;

/// <summary>Each I-M check fires — alone — on a state corrupted on purpose.</summary>
public class MatrixInvariantTests
{
    private static string[] Fired(IrqMatrix m) => MatrixInvariants.CheckAll(m).Ids();

    /// <summary>An allocation of <paramref name="bit"/> on <paramref name="cpu"/> that bypassed the
    /// allocator: the bit and every counter agree, so only the rule about where it lies can fire.</summary>
    private static void ForgeAllocation(IrqMatrix m, int cpu, int bit)
    {
        var cm = m.Map(cpu);
        cm.AllocBits.Set(bit);
        cm.Allocated++;
        cm.Available--;
        m.GlobalAvailable--;
        m.TotalAllocated++;
    }

    [Fact]
    public void Catalogue_holds_I_M1_to_I_M17_in_order_and_a_fresh_machine_is_clean()
    {
        var ids = MatrixInvariants.All.Select(c => c.Id).ToArray();
        Assert.Equal(Enumerable.Range(1, 17).Select(i => "I-M" + i).ToArray(), ids);
        var machine = new Machine(MachineConfig.Default());
        foreach (var check in MatrixInvariants.All) Assert.Empty(check.Run(machine));
    }

    [Fact]
    public void I_M1_alloc_map_bit_without_counter()
    {
        var m = X86();
        m.AllocOn(0);
        m.Map(1).AllocBits.Set(0x40);
        Assert.Equal(["I-M1"], Fired(m));
    }

    [Fact]
    public void I_M2_managed_map_bit_without_counter()
    {
        var m = X86();
        m.Map(1).ManagedBits.Set(0x40);
        Assert.Equal(["I-M2"], Fired(m));
    }

    [Fact]
    public void I_M3_non_managed_allocation_on_a_managed_bit()
    {
        var m = X86();
        int bit = m.AllocOn(1);
        var cm = m.Map(1);
        cm.ManagedBits.Set(bit);
        cm.Managed++;
        cm.Available--;
        m.GlobalAvailable--;
        Assert.Equal(["I-M3"], Fired(m));
    }

    [Fact]
    public void I_M4_allocation_outside_the_window()
    {
        var m = X86();
        ForgeAllocation(m, 0, 0x10);
        Assert.Equal(["I-M4"], Fired(m));
    }

    [Fact]
    public void I_M4_allocation_on_a_system_bit()
    {
        var m = X86();
        ForgeAllocation(m, 2, 0x80);
        Assert.Equal(["I-M4"], Fired(m));
    }

    [Fact]
    public void I_M5_available_counter_off_the_formula()
    {
        var m = X86();
        m.Map(0).Available++;
        m.GlobalAvailable++;
        Assert.Equal(["I-M5"], Fired(m));
    }

    [Fact]
    public void I_M6_global_available_off_the_sum()
    {
        var m = X86();
        m.GlobalAvailable++;
        Assert.Equal(["I-M6"], Fired(m));
    }

    [Fact]
    public void I_M6_and_I_M8_catch_a_double_offline_the_kernel_does_not_check()
    {
        var m = X86();
        m.Offline(2);
        m.Offline(2);
        Assert.Equal(2 * 201, m.GlobalAvailable);
        Assert.Equal(2, m.OnlineMaps);
        Assert.Equal(["I-M6", "I-M8"], Fired(m));
    }

    [Fact]
    public void I_M7_total_allocated_off_the_sum()
    {
        var m = X86();
        m.AllocOn(0);
        m.TotalAllocated++;
        Assert.Equal(["I-M7"], Fired(m));
    }

    [Fact]
    public void I_M8_online_maps_off()
    {
        var m = X86();
        m.OnlineMaps++;
        Assert.Equal(["I-M8"], Fired(m));
    }

    [Fact]
    public void I_M8_same_system_bit_assigned_twice_is_counted_twice()
    {
        var m = Booted(2, 0x20, 0xeb, [0x32, 0x32]);
        Assert.Equal(2, m.SystemBitsInAlloc);
        Assert.Equal(["I-M8"], Fired(m));
    }

    [Fact]
    public void I_M9_negative_global_reserved()
    {
        var m = X86();
        m.GlobalReserved = -1;
        Assert.Equal(["I-M9"], Fired(m));
    }

    [Fact]
    public void I_M10_wrong_slot_or_wrong_cpu_for_irq_matrix_alloc()
    {
        var m = X86();
        Assert.Equal(Errno.Ok, m.Alloc(CpuMask.Of(0, 1), false, out int cpu, out int bit));
        Assert.Equal((0, 0x20), (cpu, bit));
        Clean(m);
        m.LastOp.ResultBit = 0x21;                               // not the lowest free slot
        Assert.Equal(["I-M10"], Fired(m));
        m.LastOp.ResultBit = 0x20;
        m.LastOp.Before[1] = m.LastOp.Before[1] with { Available = 300 }; // CPU1 had more room
        Assert.Equal(["I-M10"], Fired(m));
    }

    [Fact]
    public void I_M11_failed_operation_that_changed_state_or_empty_mask_without_einval()
    {
        var m = X86();
        Assert.Equal(Errno.EINVAL, m.Alloc(CpuMask.Empty, false, out _, out _));
        m.GlobalReserved++;
        Assert.Equal(["I-M11"], Fired(m));
        m.GlobalReserved--;
        m.LastOp.Result = Errno.ENOSPC;
        Assert.Equal(["I-M11"], Fired(m));
    }

    [Fact]
    public void I_M12_wrong_managed_slot()
    {
        var m = X86();
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0, 1)));
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0, 1)));
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(0, 1), out int cpu, out int bit));
        Assert.Equal((1, 0x20), (cpu, bit));
        Clean(m);
        m.LastOp.ResultBit = 0x21;
        Assert.Equal(["I-M12"], Fired(m));
        m.LastOp.ResultBit = 0x20;
        m.LastOp.ResultCpu = 0;                                  // first on ties instead of last
        Assert.Contains("I-M12", Fired(m));
    }

    [Fact]
    public void I_M13_rejected_free_that_changed_state_or_bad_free_accepted()
    {
        var m = X86();
        m.Free(0, 0x21, false);
        Clean(m);
        m.GlobalReserved++;
        Assert.Equal(["I-M13"], Fired(m));
        m.GlobalReserved--;
        m.LastOp.Rejected = false;
        Assert.Equal(["I-M13"], Fired(m));
    }

    [Fact]
    public void I_M14_reservation_kept_on_only_part_of_the_mask()
    {
        var m = X86();
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(0, 1)));
        var cm = m.Map(1);
        cm.ManagedBits.Clear(0x20);
        cm.Managed--;
        cm.Available++;
        m.GlobalAvailable++;
        Assert.Equal(["I-M14"], Fired(m));
    }

    [Fact]
    public void I_M14_failure_although_every_cpu_had_room()
    {
        var m = X86();
        m.Offline(3);
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(3)));
        m.LastOp.Result = Errno.ENOSPC;                          // as if offline CPUs were refused
        Assert.Contains("I-M14", Fired(m));
    }

    [Fact]
    public void I_M15_managed_free_that_dropped_the_reservation()
    {
        var m = X86();
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(2)));
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(2), out _, out int bit));
        m.Free(2, bit, managed: true);
        Clean(m);
        var cm = m.Map(2);
        cm.ManagedBits.Clear(bit);
        cm.Managed--;
        cm.Available++;
        m.GlobalAvailable++;
        Assert.Equal(["I-M15"], Fired(m));
    }

    [Fact]
    public void I_M15_remove_managed_that_took_an_allocated_bit()
    {
        var m = X86();
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(2)));
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(2)));  // 0x20, 0x21
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(2), out _, out int bit));
        Assert.Equal(0x20, bit);
        m.RemoveManaged(CpuMask.Of(2));                          // removes 0x21
        Clean(m);
        var cm = m.Map(2);                                       // as if it had removed 0x20 instead
        cm.ManagedBits.Set(0x21);
        cm.ManagedBits.Clear(0x20);
        cm.ManagedAllocated--;
        cm.Available--;
        m.GlobalAvailable--;
        Assert.Equal(["I-M15"], Fired(m));
    }

    [Fact]
    public void I_M16_allocation_that_took_two_slots()
    {
        var m = X86();
        m.AllocOn(0);
        ForgeAllocation(m, 0, 0x21);
        Assert.Equal(["I-M16"], Fired(m));
    }

    [Fact]
    public void I_M16_multi_slot_block_without_the_variant()
    {
        var m = X86();
        m.AllocOn(0);
        m.AllocOn(0);
        var live = new Bitmap256();
        live.Set(0x20);
        live.Set(0x21);
        m.BlockList.Add(new MatrixBlock(0, 0x20, 2, 1) { Live = live });
        Assert.Equal(["I-M16"], Fired(m));
    }

    [Fact]
    public void I_M16_misaligned_block_with_the_variant()
    {
        var m = X86(variants: new Variants { Design = new ContiguousMultiMsiDesign() });
        m.AllocOn(0);
        Assert.Equal(Errno.Ok, m.AllocBlock(CpuMask.Of(0), 2, 1, out _, out int baseBit));
        Assert.Equal(0x22, baseBit);
        Clean(m);
        m.BlockList[0] = m.BlockList[0] with { AlignLog2 = 2 };
        Assert.Equal(["I-M16"], Fired(m));
    }

    [Fact]
    public void I_M17_fires_under_K1_with_managed_allocations()
    {
        var variants = new Variants();
        variants[1] = true;
        var m = X86(variants: variants);
        Clean(m);                                                // nothing managed yet: K1 is invisible
        Assert.Equal(Errno.Ok, m.ReserveManaged(CpuMask.Of(3)));
        Assert.Equal(Errno.Ok, m.AllocManaged(CpuMask.Of(3), out _, out _));
        var v = MatrixInvariants.CheckAll(m);
        Assert.Equal(["I-M17"], v.Ids());
        Assert.Contains("CPU3", Assert.Single(v).Message);
    }
}

/// <summary>The machine hands its variants to the matrix, so K1 set on the machine reaches Allocated().</summary>
public class MatrixMachineWiringTests
{
    [Fact]
    public void Machine_variant_K1_reaches_irq_matrix_allocated()
    {
        var cfg = MachineConfig.Default();
        cfg.Variants = ["K1"];
        var m = new Machine(cfg);
        var x = m.Matrix;
        if (!x.Map(0).Online) x.Online(0);
        Assert.Equal(Errno.Ok, x.ReserveManaged(CpuMask.Of(0)));
        Assert.Equal(Errno.Ok, x.AllocManaged(CpuMask.Of(0), out _, out _));
        var cm = x.Map(0);
        Assert.True(cm.ManagedAllocated >= 1);
        Assert.Equal(cm.Allocated, x.Allocated(0));
        Assert.Contains(InvariantCatalogIds(m), id => id == "I-M17");
    }

    private static IEnumerable<string> InvariantCatalogIds(Machine m) =>
        IrqVerify.Model.Invariants.InvariantCatalog.All.Where(c => c.Id.StartsWith("I-M", StringComparison.Ordinal))
            .SelectMany(c => c.Run(m)).Select(v => v.Id);
}
