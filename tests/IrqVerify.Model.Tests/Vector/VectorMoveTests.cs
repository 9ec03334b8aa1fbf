using IrqVerify.Model.Core;
using IrqVerify.Model.Vector;
using static IrqVerify.Model.Tests.Vector.VectorTestKit;

namespace IrqVerify.Model.Tests.Vector;

public class VectorMoveTests
{
    /// <summary>irq on CPU0 0x20 with a handler, then moved to CPU1 (new vector 0x20 there).</summary>
    private static (Machine m, int irq, ApicData a) Moved()
    {
        var m = NewMachine();
        int irq = Alloc(m, CpuMask.Of(0));
        Assert.Equal(Errno.Ok, Request(m, irq));
        Assert.Equal(Errno.Ok, SetAffinity(m, irq, CpuMask.Of(1)));
        return (m, irq, m.Vector.Apic(irq)!);
    }

    [Fact]
    public void Move_keeps_the_old_vector_until_the_first_interrupt_on_the_new_cpu()
    {
        var (m, irq, a) = Moved();
        Assert.Equal((1, 0x20), (a.Cpu, a.Vector));
        Assert.Equal((0, 0x20), (a.PrevCpu, a.PrevVector));
        Assert.True(a.MoveInProgress);
        Assert.Equal(irq, m.Vector.VectorIrq(0, 0x20));
        Assert.Equal(irq, m.Vector.VectorIrq(1, 0x20));
        Assert.Equal((1, 0x20), m.Vector.Target(irq));
        Assert.Equal(Array.Empty<string>(), FiredSafety(m));

        // A second move while the first is not cleaned up: -EBUSY (I-V9).
        Assert.Equal(Errno.EBUSY, SetAffinity(m, irq, CpuMask.Of(2)));
        Assert.Equal(Errno.EBUSY, m.Vector.LastAssign!.Result);

        // An interrupt on the OLD cpu does not complete the move.
        m.Vector.Deliver(0, 0x20);
        Interrupt(m, 0);
        Assert.True(a.MoveInProgress);
        Assert.Equal(1, m.Irqs[irq]!.Invocations);

        // First interrupt on the new target: cleanup queued on CPU0, timer armed, vector still allocated.
        Assert.Equal(Errno.Ok, m.Vector.Raise(irq));
        Assert.True(m.Vector.IrrPending(1, 0x20));
        Assert.Equal(0x20, Interrupt(m, 1).Value);
        Assert.Equal(2, m.Irqs[irq]!.Invocations);
        Assert.False(a.MoveInProgress);
        Assert.True(a.InCleanupList);
        Assert.True(m.Vector.Cpus[0].TimerArmed);
        Assert.True(m.Matrix.Map(0).AllocMap.Test(0x20));
        Assert.Equal(Errno.EBUSY, SetAffinity(m, irq, CpuMask.Of(2)));
        Assert.Equal(Array.Empty<string>(), FiredSafety(m));

        // The cleanup timer on CPU0 frees it.
        Assert.Equal(1, CleanupTimer(m, 0).Value);
        Assert.False(m.Matrix.Map(0).AllocMap.Test(0x20));
        Assert.Equal(VectorDomain.VectorUnused, m.Vector.VectorIrq(0, 0x20));
        Assert.Equal(0, a.PrevVector);
        Assert.False(m.Vector.Cpus[0].TimerArmed);
        Assert.Equal(Errno.Ok, SetAffinity(m, irq, CpuMask.Of(2)));
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    [Fact]
    public void Cleanup_keeps_the_old_vector_while_it_is_pending_in_the_old_irr()
    {
        var (m, irq, a) = Moved();
        m.Vector.Raise(irq);
        Interrupt(m, 1);
        m.Vector.Deliver(0, 0x20); // an arrival through the old vector is still in flight on CPU0
        Assert.Equal(0, CleanupTimer(m, 0).Value);
        Assert.True(a.InCleanupList);
        Assert.True(m.Vector.Cpus[0].TimerArmed);
        Assert.True(m.Matrix.Map(0).AllocMap.Test(0x20));
        Assert.Contains(m.Diagnostics.Items, d => d.Rule == "__vector_cleanup");

        Interrupt(m, 0); // delivered through the old vector, still installed
        Assert.Equal(2, m.Irqs[irq]!.Invocations);
        Assert.Equal(1, CleanupTimer(m, 0).Value);
        Assert.Equal(0, a.PrevVector);
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    [Fact]
    public void No_move_when_current_cpu_is_online_and_in_the_mask()
    {
        var m = NewMachine();
        int irq = Alloc(m, CpuMask.Of(2));
        Request(m, irq);
        Assert.Equal(Errno.Ok, SetAffinity(m, irq, CpuMask.Of(1, 2)));
        var s = m.Vector.LastAssign!;
        Assert.True(s.InPlace);
        Assert.False(s.Moved);
        Assert.Equal(0, m.Vector.Apic(irq)!.PrevVector);
    }

    [Fact]
    public void Drain_completes_move_and_cleanup()
    {
        var (m, irq, a) = Moved();
        m.Vector.Raise(irq);
        Drain(m);
        Assert.Equal(0, a.PrevVector);
        Assert.False(a.InCleanupList);
        Assert.Equal(Array.Empty<string>(), Fired(m));
        Assert.Equal(Array.Empty<string>(), FiredGeneric(m));
    }

    [Fact]
    public void Entry_path_reports_no_irq_handler_for_an_unused_vector()
    {
        var m = NewMachine();
        m.Vector.Deliver(2, 0x55);
        Assert.Equal(0x55, Interrupt(m, 2).Value);
        Assert.Contains(m.Diagnostics.Items, d => d.Rule == "call_irq_handler" && d.Message == "No irq handler for 2.85");
    }

    /// <summary>K3 (§2.7 entry path): free_irq marks SHUTDOWN, the entry path reads it, request_irq
    /// reinstalls the same CPU/vector, the entry path then acts on its read.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void K3_stale_entry_read_kills_the_device_only_under_the_variant(bool k3)
    {
        var m = k3 ? NewMachine(cpus: 2, variants: "K3") : NewMachine(cpus: 2);
        Alloc(m, CpuMask.Of(0));               // CPU0 0x20 taken: the reservation irq lands on CPU1
        int x = Alloc(m, CpuMask.Empty);
        Request(m, x);
        Assert.Equal((1, 0x20), m.Vector.Target(x));
        m.Vector.Raise(x);                     // 1. pending in CPU1's IRR
        Assert.Equal(Errno.Ok, FreeIrq(m, x)); // 2. SHUTDOWN mark
        Assert.Equal(VectorDomain.VectorShutdown, m.Vector.VectorIrq(1, 0x20));

        var r = new OpResult();
        var entry = new ModelThread(1, "cpu1:interrupt", 1, m.Vector.Interrupt(1, r));
        StepUntil(m, entry, "call_irq_handler.reevaluate_vector"); // 3. unlocked read: no descriptor

        Assert.Equal(Errno.Ok, Request(m, x)); // 4. same CPU/vector installed again
        Assert.Equal((1, 0x20), m.Vector.Target(x));
        Finish(m, entry);                      // 5. re-evaluation

        m.Vector.Raise(x);
        Drain(m);
        if (k3)
        {
            Assert.Equal(VectorDomain.VectorUnused, m.Vector.VectorIrq(1, 0x20));
            Assert.Equal(0, m.Irqs[x]!.Invocations);
            Assert.Equal(["I-V1", "I-V5", "I-V8"], Fired(m));
            Assert.Equal(["I-G2"], FiredGeneric(m));
        }
        else
        {
            // The re-evaluation found the new descriptor and ran its handler (V1), then the raise.
            Assert.Equal(x, m.Vector.VectorIrq(1, 0x20));
            Assert.Equal(2, m.Irqs[x]!.Invocations);
            Assert.Equal(Array.Empty<string>(), Fired(m));
            Assert.Equal(Array.Empty<string>(), FiredGeneric(m));
        }
    }
}
