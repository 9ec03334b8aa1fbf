using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Tests.Programs;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Tests.Xen;

/// <summary>Findings of the fuzzer / property suite on the reference model (Xen), each reproduced
/// by its minimized program.</summary>
public class XenTriageTests
{
    private static (Machine M, RunReport R) Run(string text) => ProgramKit.Run(text);

    /// <summary>I-X11 finding (FIFO): an event linked on vCPU0 when vCPU0 goes offline is dropped by
    /// evtchn_fifo_percpu_deinit — upstream. The port stays pending and unlinked, I-X11 does not
    /// count it, and the next send re-links and delivers it on the new target.</summary>
    [Fact]
    public void FIFO_teardown_drops_the_linked_event_upstream_and_the_next_send_delivers_it()
    {
        const string prog = "p = evtchn_alloc_unbound()\nirq = bind_evtchn_to_irq_lateeoi(p)\nrequest_irq(irq)\nxen_send(p)\nxen_vcpu_offline(0)\n";
        var (m, r) = Run(prog);
        Assert.Equal("fifo", m.Xen!.Abi.Name);
        Assert.Contains(m.Diagnostics.Items, d => d.Rule == "evtchn_fifo" && d.Message.StartsWith("Dropping pending event for port", StringComparison.Ordinal));
        var info = Assert.Single(m.Xen.LiveInfos());
        Assert.True(info.DroppedByTeardown);
        Assert.Equal(1, info.Cpu);
        Assert.True(m.Xen.Abi.IsPending(info.Evtchn));
        Assert.DoesNotContain("I-X11", r.ViolatedIds);
        Assert.Equal(0, m.Irqs[info.Irq]!.Invocations);

        var (m2, r2) = Run(prog + "xen_send(p)\n");
        var info2 = Assert.Single(m2.Xen!.LiveInfos());
        Assert.False(info2.DroppedByTeardown);
        Assert.Equal(1, m2.Irqs[info2.Irq]!.Invocations);
        Assert.True(r2.Ok, string.Join("\n", r2.Violations));
    }

    /// <summary>I-X11/I-L4 finding (verify 600 s, seed 3, FIFO): an IPI bound for vCPU1 while it is
    /// offline and sent then is linked into vCPU1's queue; evtchn_fifo_percpu_init keeps the control
    /// block when vCPU1 comes back, so its first upcall delivers the event. The model used to wipe the
    /// queues at online and lost it.</summary>
    [Fact]
    public void FIFO_event_linked_while_the_vcpu_is_offline_is_delivered_after_it_comes_online()
    {
        const string prog = "xen_vcpu_offline(1)\ni = bind_ipi_to_irq(0, 1)\nrequest_irq(i)\np = evtchn_from_irq(i)\nxen_send(p)\n" +
                            "expect irq(i).handled == 0\nxen_vcpu_online(1)\n";
        var (m, r) = Run(prog);
        Assert.Equal("fifo", m.Xen!.Abi.Name);
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        var info = Assert.Single(m.Xen.LiveInfos());
        Assert.Equal(1, info.Cpu);
        Assert.Equal(1, m.Irqs[info.Irq]!.Invocations);
    }

    /// <summary>The exception is only for the dropped occurrence: the same lost state without the
    /// teardown's drop is still I-X11.</summary>
    [Fact]
    public void I_X11_still_fires_for_a_lost_event_that_was_not_dropped_by_the_teardown()
    {
        var (m, _) = Run("p = evtchn_alloc_unbound()\nirq = bind_evtchn_to_irq_lateeoi(p)\nrequest_irq(irq)\nxen_send(p)\nxen_vcpu_offline(0)\n");
        var info = Assert.Single(m.Xen!.LiveInfos());
        info.DroppedByTeardown = false;
        var v = new List<Violation>();
        XenInvariants.IX11(m, v);
        Assert.Contains(v, x => x.Id == "I-X11");
    }

    /// <summary>I-X6 finding (verify, seed 2): unbinding the last reference of a refcounted channel
    /// drops refcnt to 0 and clears the port in one step under irq_mapping_update_lock
    /// (__unbind_from_irq → xen_irq_info_cleanup); the info stays allocated until EVTCHNOP_close
    /// returns. That window is the kernel's, not a leak: the check must hold at every step.</summary>
    [Fact]
    public void Refcount_zero_during_the_unbind_window_is_legal_once_the_port_is_cleared()
    {
        var (m, r) = Run("p = evtchn_alloc_unbound()\nirq = bind_evtchn_to_irq(p)\nrequest_irq(irq)\nevtchn_make_refcounted(p)\nunbind_from_irqhandler(irq)\n");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        Assert.Empty(m.Xen!.LiveInfos());
    }

    /// <summary>The same refcount of 0 on an info that still owns its port is I-X6.</summary>
    [Fact]
    public void I_X6_fires_for_refcount_zero_on_a_bound_channel_and_for_minus_two()
    {
        var (m, _) = Run("p = evtchn_alloc_unbound()\nirq = bind_evtchn_to_irq(p)\nevtchn_make_refcounted(p)\n");
        var info = Assert.Single(m.Xen!.LiveInfos());
        var v = new List<Violation>();
        info.Refcnt = 0;
        XenInvariants.IX6(m, v);
        Assert.Contains(v, x => x.Id == "I-X6");
        v.Clear();
        info.Refcnt = -2;
        XenInvariants.IX6(m, v);
        Assert.Contains(v, x => x.Id == "I-X6");
        v.Clear();
        info.Refcnt = 1;
        XenInvariants.IX6(m, v);
        Assert.Empty(v);
    }

    /// <summary>I-X5 finding: a per-vCPU VIRQ bound to an offline vCPU is the CPU-up prepare step
    /// (xen_smp_intr_init runs before the vCPU does): its bit legitimately sits in that vCPU's 2L
    /// mask, and it stays consistent once the vCPU is up.</summary>
    [Fact]
    public void A_per_vcpu_VIRQ_bound_to_an_offline_vCPU_is_the_bring_up_path_and_delivers_once_online()
    {
        var (m, r) = Run("xen_vcpu_offline(0)\nxen_set_abi(2l)\nirq = bind_virq_to_irq(0, 0)\n");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        Assert.DoesNotContain(m.Diagnostics.Items, d => d.Severity == Severity.Misuse);
        var info = Assert.Single(m.Xen!.LiveInfos());
        Assert.Equal(0, info.Cpu);
        Assert.True(((TwoLevelAbi)m.Xen.Abi).InCpuMask(0, info.Evtchn));

        var (m2, r2) = Run("xen_vcpu_offline(0)\nxen_set_abi(2l)\nirq = bind_virq_to_irq(0, 0)\nrequest_irq(irq)\nxen_vcpu_online(0)\n");
        Assert.True(r2.Ok, string.Join("\n", r2.Violations));
    }

    /// <summary>I-X5 finding (item 4): bind_evtchn_to_irq binds every new channel to vCPU0, which the
    /// kernel assumes online; with vCPU0 offline that is reported as I-X5 misuse at the bind.</summary>
    [Fact]
    public void Binding_a_channel_while_vCPU0_is_offline_is_I_X5_misuse()
    {
        var (m, r) = Run("xen_vcpu_offline(0)\nxen_set_abi(2l)\np = evtchn_alloc_unbound()\nirq = bind_evtchn_to_irq(p)\n");
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-X5");
        Assert.Contains("I-X5", r.ViolatedIds);
    }

    /// <summary>The refinement is only for per-vCPU channels bound to that vCPU: a per-vCPU port's bit
    /// left in an offline vCPU's mask while the port is bound elsewhere still fires.</summary>
    [Fact]
    public void I_X5_still_fires_for_a_per_vcpu_port_left_in_an_offline_vCPU_mask()
    {
        var (m, _) = Run("xen_set_abi(2l)\nirq = bind_virq_to_irq(0, 1)\nxen_vcpu_offline(0)\n");
        var info = Assert.Single(m.Xen!.LiveInfos());
        var abi = (TwoLevelAbi)m.Xen.Abi;
        abi.CpuEvtchnMask[0][info.Evtchn / TwoLevelAbi.WordBits] |= 1UL << (info.Evtchn % TwoLevelAbi.WordBits);
        var v = new List<Violation>();
        XenInvariants.IX5(m, v);
        Assert.Contains(v, x => x.Id == "I-X5");
    }
    /// <summary>I-X3 finding (verify fuzz): a global VIRQ rebound to vCPU1 and then unbound left
    /// virq_to_irq[vcpu0] pointing at the freed irq, because __unbind_from_irq clears the entry of
    /// info->cpu. Upstream moves the entry on rebind since 3fcc8e146935 (2025, "xen/events: Update virq_to_irq on
    /// migration"): the table follows the channel, the unbind clears it, a rebind of the VIRQ on
    /// vCPU0 allocates afresh.</summary>
    [Fact]
    public void Rebinding_a_global_virq_moves_its_virq_to_irq_entry()
    {
        var (m, r) = Run("irq = bind_virq_to_irq(2, 0)\nrequest_irq(irq)\nxen_rebind(irq, 1)\n");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        int irq = int.Parse(r.Ops[0].Result);
        Assert.Equal(1, m.Xen!.InfoForIrq(irq)!.Cpu);
        Assert.Equal(-1, m.Xen.VirqToIrq[0][2]);
        Assert.Equal(irq, m.Xen.VirqToIrq[1][2]);

        var (m2, r2) = Run("irq = bind_virq_to_irq(2, 0)\nrequest_irq(irq)\nxen_rebind(irq, 1)\nunbind_from_irqhandler(irq)\nirq2 = bind_virq_to_irq(2, 0)\n");
        Assert.True(r2.Ok, string.Join("\n", r2.Violations));
        Assert.Equal(-1, m2.Xen!.VirqToIrq[1][2]);
        var info = Assert.Single(m2.Xen.LiveInfos());
        Assert.Equal(info.Irq, m2.Xen.VirqToIrq[0][2]);
        Assert.Equal(0, info.Cpu);

        // Same through xen_vcpu_offline(0), which rebinds the global VIRQ to vCPU1 (fuzz finding).
        var (m3, r3) = Run("irq = bind_virq_to_irq(2, 0)\nxen_vcpu_offline(0)\nirq1 = bind_evtchn_to_irq_lateeoi(1)\nunbind_from_irq(irq)\n");
        Assert.True(r3.Ok, string.Join("\n", r3.Violations));
        Assert.Equal(-1, m3.Xen!.VirqToIrq[0][2]);
        Assert.Equal(-1, m3.Xen.VirqToIrq[1][2]);
    }
}
