using IrqVerify.Model.Core;
using IrqVerify.Model.Vector;
using static IrqVerify.Model.Tests.Vector.VectorTestKit;

namespace IrqVerify.Model.Tests.Vector;

/// <summary>Each I-V check fires on a purposely corrupted state — and only the expected checks do.</summary>
public class VectorInvariantTests
{
    private sealed record World(Machine M, int A, int B, int C, int D)
    {
        public ApicData Ap(int irq) => M.Vector.Apic(irq)!;
    }

    /// <summary>A: fixed {0}, requested. B: reservation, idle. C: managed {1,2}, requested. D: fixed, moving CPU3 → CPU1.</summary>
    private static World Build()
    {
        var m = NewMachine();
        int a = Alloc(m, CpuMask.Of(0));
        int b = Alloc(m, CpuMask.Empty);
        int c = Alloc(m, CpuMask.Of(1, 2), managed: true);
        int d = Alloc(m, CpuMask.Of(3));
        Request(m, a); Request(m, c); Request(m, d);
        Assert.Equal(Errno.Ok, SetAffinity(m, d, CpuMask.Of(1)));
        var w = new World(m, a, b, c, d);
        Assert.True(w.Ap(d).MoveInProgress);
        Assert.Equal(Array.Empty<string>(), Fired(m));
        return w;
    }

    private static void Expect(World w, params string[] ids) =>
        Assert.Equal(ids.OrderBy(s => s, StringComparer.Ordinal).ToArray(), Fired(w.M));

    [Fact]
    public void IV1_vector_not_allocated_in_matrix()
    {
        var w = Build();
        w.M.Matrix.Map(0).AllocBits.Clear(w.Ap(w.A).Vector);
        Expect(w, "I-V1");
    }

    [Fact]
    public void IV2_old_vector_neither_moving_nor_queued()
    {
        var w = Build();
        w.Ap(w.D).MoveInProgress = false;
        Expect(w, "I-V2");
    }

    [Fact]
    public void IV3_leaked_bit_owned_by_nobody()
    {
        var w = Build();
        w.M.Matrix.Map(3).AllocBits.Set(0x40);
        Expect(w, "I-V3");
    }

    [Fact]
    public void IV4_managed_reservation_left_after_everything_is_freed()
    {
        var w = Build();
        foreach (int irq in new[] { w.A, w.C, w.D }) FreeIrq(w.M, irq);
        foreach (int irq in new[] { w.A, w.B, w.C, w.D })
            Assert.Equal(Errno.Ok, Run(w.M, "vector_free", 0, r => VectorAllocationTests.OpsFree(w.M, irq, r)).Error);
        Expect(w);
        w.M.Matrix.Map(2).ManagedBits.Set(0x30);
        Expect(w, "I-V4");
    }

    [Fact]
    public void IV5_vector_irq_names_a_descriptor_that_does_not_own_the_vector()
    {
        var w = Build();
        w.M.Vector.Cpus[3].VectorIrq[0x50] = w.A;
        Expect(w, "I-V5");
    }

    [Fact]
    public void IV6_cleanup_left_queued_after_drain()
    {
        var w = Build();
        w.M.Vector.Raise(w.D);
        Interrupt(w.M, 1);
        Assert.True(w.Ap(w.D).InCleanupList);
        Expect(w, "I-V6"); // not drained yet: the eventual check sees the queue
        w.M.Vector.Cpus[3].TimerArmed = false;
        Drain(w.M);
        Expect(w, "I-V6");
        Assert.Contains(VectorInvariants.IV6Messages(w.M), s => s.Contains("without an armed timer"));
    }

    [Fact]
    public void IV7_old_vector_on_the_new_cpu()
    {
        var w = Build();
        var d = w.Ap(w.D);
        // Corrupt the bookkeeping consistently: the old vector now claims to live on CPU1.
        w.M.Matrix.Map(1).AllocBits.Set(0x60);
        w.M.Vector.Cpus[1].VectorIrq[0x60] = w.D;
        w.M.Matrix.Map(d.PrevCpu).AllocBits.Clear(d.PrevVector);
        w.M.Vector.Cpus[d.PrevCpu].VectorIrq[d.PrevVector] = VectorDomain.VectorUnused;
        d.PrevCpu = 1;
        d.PrevVector = 0x60;
        Expect(w, "I-V7");
    }

    [Fact]
    public void IV8_hardware_aimed_at_an_unhandled_vector()
    {
        var w = Build();
        w.Ap(w.A).HwVector = 0x99;
        Expect(w, "I-V8");
    }

    [Fact]
    public void IV9_busy_answer_mismatch()
    {
        var w = Build();
        w.M.Vector.LastAssign = new AssignDecision(w.D, CpuMask.Of(2), InPlace: false, Busy: true, Errno.Ok, Moved: true);
        Expect(w, "I-V9");
    }

    [Fact]
    public void IV10_move_although_in_place()
    {
        var w = Build();
        w.M.Vector.LastAssign = new AssignDecision(w.A, CpuMask.Of(0, 1), InPlace: true, Busy: false, Errno.Ok, Moved: true);
        Expect(w, "I-V10");
    }

    [Fact]
    public void IV11_effective_affinity_is_not_the_vector_cpu()
    {
        var w = Build();
        w.M.Irqs[w.A]!.EffectiveAffinity = CpuMask.Of(0, 3);
        Expect(w, "I-V11");
    }

    [Fact]
    public void IV12_reserved_irq_with_hardware_on_a_real_vector()
    {
        var w = Build();
        w.Ap(w.B).HwVector = 0x30;
        Expect(w, "I-V12");
    }

    [Fact]
    public void IV13_managed_reservation_count_drift()
    {
        var w = Build();
        w.M.Matrix.Map(3).Managed++;
        Expect(w, "I-V13");
    }

    [Fact]
    public void IV14_managed_irq_keeps_a_vector_with_no_live_cpu()
    {
        var w = Build();
        var c = w.Ap(w.C);
        w.M.Vector.Cpus[1].State = CpuState.Offline;
        w.M.Vector.Cpus[2].State = CpuState.Offline;
        // Also fires what a dead CPU with live vectors breaks: targets (I-V11, I-V8) and leftovers (I-V16).
        Expect(w, "I-V8", "I-V11", "I-V14", "I-V16");
        Assert.Contains(VectorInvariants.All.Single(x => x.Id == "I-V14").Run(w.M), v => v.Message.Contains($"managed irq {w.C}: no live CPU"));
        _ = c;
    }

    [Fact]
    public void IV15_two_irqs_share_a_vector()
    {
        var w = Build();
        var a = w.Ap(w.A);
        var b = w.Ap(w.B);
        // B claims A's vector (as a second owner it also breaks ownership and the table).
        b.Vector = a.Vector; b.Cpu = a.Cpu; b.HasReserved = false; w.M.Matrix.RemoveReserved();
        Expect(w, "I-V1", "I-V3", "I-V15");
    }

    [Fact]
    public void IV16_timer_armed_on_an_offline_cpu()
    {
        var w = Build();
        Assert.Equal(Errno.Ok, Offline(w.M, 0));
        Expect(w);
        w.M.Vector.Cpus[0].TimerArmed = true;
        Expect(w, "I-V16");
    }

    [Fact]
    public void IV17_refusal_that_the_counts_do_not_justify()
    {
        var w = Build();
        w.M.Vector.LastUnplugCheck = new UnplugCheck(1, 2, 5, 0, 2, Errno.ENOSPC);
        Expect(w, "I-V17");
    }

    [Fact]
    public void IV18_vector_is_a_system_vector()
    {
        var w = Build();
        w.M.Config.SystemVectors.Add(w.Ap(w.A).Vector);
        Expect(w, "I-V18");
    }

    [Fact]
    public void IV19_pending_vector_stranded_on_outgoing_cpu()
    {
        var w = Build();
        w.M.Vector.Stranded.Add(new StrandedVector(3, 0x20, w.D));
        Expect(w, "I-V19");
    }

    [Fact]
    public void IV20_check_counted_managed_vectors()
    {
        var w = Build();
        w.M.Vector.LastUnplugCheck = new UnplugCheck(1, 3, 5, 0, 1, Errno.Ok);
        Expect(w, "I-V20");
    }

    [Fact]
    public void IV21_vector_data_freed_while_activated()
    {
        var w = Build();
        w.M.Vector.FreeIrqs(w.A, 1); // the caller skipped the deactivation (K5 shape)
        Expect(w, "I-V21");
        Assert.Equal([w.A], w.M.Vector.FreedWhileActivated);
    }
}
