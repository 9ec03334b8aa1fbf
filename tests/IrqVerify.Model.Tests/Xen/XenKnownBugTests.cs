using IrqVerify.Model.Core;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Tests.Xen;

/// <summary>K10..K14 driven step by step: each interleaving is harmless by default and trips the
/// listed invariants with the bug re-injected.</summary>
public class XenKnownBugTests
{
    private static int[] Bugs(bool on, int k) => on ? [k] : [];

    /// <summary>
    /// K10 (§4.8): vCPU0's scan has the port in its snapshot (2L) / has just unlinked it (FIFO);
    /// the port is rebound to vCPU1 and re-raised there; vCPU1 claims it; then vCPU0 goes on.
    /// Default: vCPU0 skips the claimed port, one handler run. K10: both vCPUs inside the claim
    /// window (I-X9) and two handler runs for one event.
    /// </summary>
    [Theory]
    [InlineData("2l", "evtchn_2l_handle_events.snapshot", false)]
    [InlineData("2l", "evtchn_2l_handle_events.snapshot", true)]
    [InlineData("fifo", "consume_one_event.unlinked", false)]
    [InlineData("fifo", "consume_one_event.unlinked", true)]
    public void K10_stale_scan_races_rebind_and_scan_on_the_new_vcpu(string abi, string scanPoint, bool k10)
    {
        var m = XenKit.New(abi, 2, Bugs(k10, 10));
        var (p, irq) = m.Ready();
        m.Send(p);
        var seen = new List<Violation>();
        var up0 = XenKit.Thread("vcpu0:upcall", 0, m.X().Upcall(0));
        m.StepTo(up0, scanPoint, seen);

        var rebind = XenKit.Thread("vcpu1:rebind", 1, m.Irq.SetAffinity(irq, CpuMask.Of(1), new OpResult()));
        m.Finish(rebind, seen);
        Assert.True(m.X().Hv.UpcallPending[1]);

        var up1 = XenKit.Thread("vcpu1:upcall", 1, m.X().Upcall(1));
        m.StepTo(up1, "handle_irq_for_port.claimed", seen);
        m.StepTo(up0, "handle_irq_for_port.lookup", seen);
        up0.Step(m);
        seen.AddRange(m.Safety());
        m.Finish(up1, seen);
        m.Finish(up0, seen);
        m.Drain();

        if (k10)
        {
            Assert.Contains("I-X9", seen.Ids());
            Assert.Equal(2, m.Invocations(irq));
        }
        else
        {
            Assert.Empty(seen);
            Assert.Equal(1, m.Invocations(irq));
        }
        Assert.DoesNotContain("I-X13", seen.Ids());
        Assert.Empty(m.Eventual());
    }

    /// <summary>
    /// K11: lateeoi port claimed on vCPU0; rebind to vCPU1 re-raises the still-pending event there;
    /// vCPU1 snapshots it; vCPU0 acks and runs the handler; then vCPU1 reaches the port.
    /// Default: the claim is held until the EOI, vCPU1 skips. K11: the ack released the claim,
    /// vCPU1 claims and the edge flow replays the handler inside the open EOI cycle (I-X10).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void K11_lateeoi_claim_released_by_the_ack_lets_a_second_delivery_in(bool k11)
    {
        var m = XenKit.New("2l", 2, Bugs(k11, 11));
        var (p, irq) = m.Ready(lateeoi: true);
        m.Send(p);
        var seen = new List<Violation>();
        var up0 = XenKit.Thread("vcpu0:upcall", 0, m.X().Upcall(0));
        m.StepTo(up0, "handle_irq_for_port.claimed", seen);
        m.Finish(XenKit.Thread("vcpu1:rebind", 1, m.Irq.SetAffinity(irq, CpuMask.Of(1), new OpResult())), seen);
        var up1 = XenKit.Thread("vcpu1:upcall", 1, m.X().Upcall(1));
        m.StepTo(up1, "handle_irq_for_port.lookup", seen);
        m.StepTo(up0, "handle_irq_event.action", seen);
        m.Finish(up1, seen);
        m.Finish(up0, seen);

        if (k11)
        {
            Assert.Contains("I-X10", seen.Ids());
            Assert.Equal(2, m.Invocations(irq));
        }
        else
        {
            Assert.Empty(seen);
            Assert.Equal(1, m.Invocations(irq));
            Assert.True(m.Info(irq).IsActive);
        }
        m.Drain();
        Assert.Empty(m.Eventual());
    }

    /// <summary>
    /// K12: lateeoi port with its EOI pending, then a rebind (temporary mask/unmask). Default: the
    /// port stays masked (EOI_PENDING remains). K12: the temporary unmask unmasks it (I-X7, I-X10)
    /// and a new event is delivered before the EOI.
    /// </summary>
    [Theory]
    [InlineData("2l", false)]
    [InlineData("2l", true)]
    [InlineData("fifo", false)]
    [InlineData("fifo", true)]
    public void K12_rebind_unmasks_a_port_whose_eoi_is_pending(string abi, bool k12)
    {
        var m = XenKit.New(abi, 2, Bugs(k12, 12));
        var (p, irq) = m.Ready(lateeoi: true);
        m.Send(p);
        m.Upcall(0);
        Assert.Equal(MaskReason.EoiPending, m.Info(irq).MaskReason);
        Assert.True(m.Run(0, o => m.Irq.SetAffinity(irq, CpuMask.Of(1), o)).Ok);
        var after = m.Safety().Ids();
        m.Send(p);
        m.Upcall(1);

        if (k12)
        {
            Assert.Equal(new[] { "I-X10", "I-X7" }, after);
            Assert.False(m.X().Abi.IsMasked(p));
        }
        else
        {
            Assert.Empty(after);
            Assert.True(m.X().Abi.IsMasked(p));
            Assert.Equal(1, m.Invocations(irq));
        }
    }

    /// <summary>
    /// K13 (XSA-331): vCPU0's loop has looked the port up; the irq is unbound on vCPU1. Default:
    /// the info stays until the upcall leaves (RCU), the loop finds no handler. K13: the info is
    /// freed at once: I-X12 and a use-after-free diagnostic.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void K13_unbind_while_the_event_loop_holds_the_info(bool k13)
    {
        var m = XenKit.New("fifo", 2, Bugs(k13, 13));
        var (p, irq) = m.Ready();
        m.Send(p);
        var seen = new List<Violation>();
        var up0 = XenKit.Thread("vcpu0:upcall", 0, m.X().Upcall(0));
        m.StepTo(up0, "handle_irq_for_port.lookup", seen);
        m.Finish(XenKit.Thread("vcpu1:unbind", 1, m.X().UnbindFromIrqhandler(irq, new OpResult())), seen);
        var info = m.X().HeldInfo[0]!;
        Assert.True(info.Freed);
        Assert.Equal(k13, info.Released);
        m.Finish(up0, seen);

        bool uaf = m.Diagnostics.Items.Any(d => d.Severity == Severity.Fatal && d.Rule == "I-X12");
        Assert.Equal(k13, uaf);
        if (k13) Assert.Equal(new[] { "I-X12" }, seen.Ids());
        else Assert.Empty(seen);
        Assert.True(info.Released);
        Assert.Null(m.X().InfoForIrq(irq));
        Assert.Null(m.Irqs[irq]);
    }

    /// <summary>
    /// K14: two binders that do not share the mapping mutex (startup_pirq in the report) bind
    /// ports of the same missing row. Default: the cmpxchg loser uses the winner's row. K14: the
    /// second store overwrites the first row and the first mapping is lost (I-X1).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void K14_two_binders_in_the_same_missing_row(bool k14)
    {
        var m = XenKit.New("fifo", 2, Bugs(k14, 14));
        m.X().Hv.Ports.Mutable(1030).State = EvtchnState.Unbound;
        m.X().Hv.Ports.Mutable(1031).State = EvtchnState.Unbound;
        Assert.False(m.X().EvtchnToIrq.RowPresent(1));
        var ra = new OpResult();
        var rb = new OpResult();
        var a = XenKit.Thread("A", 0, m.X().BindEvtchnLocked(1030, false, ra));
        var b = XenKit.Thread("B", 1, m.X().BindEvtchnLocked(1031, false, rb));
        var seen = new List<Violation>();
        m.StepTo(a, "set_evtchn_to_irq.alloc_row", seen);
        m.StepTo(b, "set_evtchn_to_irq.alloc_row", seen);
        m.Finish(a, seen);
        m.Finish(b, seen);
        Assert.True(ra.Ok && rb.Ok);
        Assert.Equal(rb.Value, m.X().EvtchnToIrq.Get(1031));
        if (k14)
        {
            Assert.Equal(-1, m.X().EvtchnToIrq.Get(1030));
            Assert.Equal(new[] { "I-X1" }, seen.Ids());
        }
        else
        {
            Assert.Equal(ra.Value, m.X().EvtchnToIrq.Get(1030));
            Assert.Empty(seen);
        }
    }
}
