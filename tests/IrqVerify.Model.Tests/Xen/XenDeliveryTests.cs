using IrqVerify.Model.Core;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Tests.Xen;

public class XenDeliveryTests
{
    [Theory]
    [InlineData("2l")]
    [InlineData("fifo")]
    public void Send_raises_the_upcall_and_the_handler_runs_once(string abi)
    {
        var m = XenKit.New(abi);
        var (p, irq) = m.Ready();
        m.Send(p);
        Assert.True(m.X().Hv.UpcallPending[0]);
        Assert.False(m.X().Hv.UpcallPending[1]);
        Assert.True(m.Irqs[irq]!.AwaitingHandler);
        m.Upcall(0);
        Assert.Equal(1, m.Invocations(irq));
        Assert.False(m.X().Abi.IsPending(p));
        Assert.False(m.Info(irq).IsActive);
        Assert.Equal(0, m.Info(irq).ClaimCount);
        Assert.False(m.X().Hv.UpcallPending[0]);
        Assert.Empty(m.Eventual());
        Assert.Empty(m.Safety());
    }

    [Theory]
    [InlineData("2l")]
    [InlineData("fifo")]
    public void Sends_while_pending_coalesce(string abi)
    {
        var m = XenKit.New(abi);
        var (p, irq) = m.Ready();
        m.Send(p);
        m.Send(p);
        m.Send(p);
        m.Drain();
        Assert.Equal(1, m.Invocations(irq));
        m.Send(p);
        m.Drain();
        Assert.Equal(2, m.Invocations(irq));
    }

    [Theory]
    [InlineData("2l")]
    [InlineData("fifo")]
    public void IX8_masked_event_stays_pending_and_unmask_redelivers_it_exactly_once(string abi)
    {
        var m = XenKit.New(abi);
        var (p, irq) = m.Ready();
        m.Irq.Mask(m.Irqs[irq]!);
        m.Send(p);
        Assert.False(m.X().Hv.UpcallPending[0]);
        m.Drain();
        Assert.Equal(0, m.Invocations(irq));
        Assert.Empty(m.Eventual()); // masked: nothing owed yet
        m.Run(0, _ => Unmask(m, irq));
        Assert.True(m.Info(irq).LastUnmaskWasPending);
        Assert.Equal(1, m.Info(irq).LastUnmaskPaths);
        m.Drain();
        Assert.Equal(1, m.Invocations(irq));
        Assert.Empty(m.Eventual());
        Assert.Empty(m.Safety());
    }

    private static IEnumerable<Sched> Unmask(Machine m, int irq)
    {
        yield return Sched.At("unmask");
        m.Irq.Unmask(m.Irqs[irq]!);
    }

    [Fact]
    public void TwoLevel_scan_only_considers_ports_in_its_cpu_mask()
    {
        var m = XenKit.New("2l");
        var (p, irq) = m.Ready();
        m.Send(p);
        m.X().Hv.UpcallPending[1] = true;
        var abi = (TwoLevelAbi)m.X().Abi;
        abi.PendingSel[1] |= 1UL << (p / 64);
        m.Upcall(1);
        Assert.Equal(0, m.Invocations(irq));
        Assert.True(abi.IsPending(p));
        m.Upcall(0);
        Assert.Equal(1, m.Invocations(irq));
    }

    [Fact]
    public void Fifo_queue_delivers_in_link_order_and_relinks_after_consumption()
    {
        var m = XenKit.New("fifo");
        var (p1, irq1) = m.Ready();
        var (p2, irq2) = m.Ready();
        var fifo = (FifoAbi)m.X().Abi;
        m.Send(p2);
        m.Send(p1);
        Assert.Equal(p2, fifo.Head[0][FifoAbi.DefaultPriority]);
        Assert.Equal((uint)p1, fifo.Words[p2] & FifoAbi.LinkMask);
        m.Upcall(0);
        Assert.Equal(1, m.Invocations(irq1));
        Assert.Equal(1, m.Invocations(irq2));
        Assert.False(fifo.IsLinked(p1));
        m.Send(p1);
        Assert.True(fifo.IsLinked(p1));
        m.Drain();
        Assert.Equal(2, m.Invocations(irq1));
        Assert.Empty(m.Safety());
    }

    [Fact]
    public void Lookup_of_an_unbound_pending_port_is_ignored()
    {
        var m = XenKit.New("2l");
        var (p, irq) = m.Ready();
        m.Send(p);
        m.Run(0, o => m.X().UnbindFromIrqhandler(irq, o));
        var p2 = m.AllocPort();
        m.X().Hv.UpcallPending[0] = true;
        m.Upcall(0);
        Assert.Equal(p, p2);
        Assert.DoesNotContain(m.Diagnostics.Items, d => d.Severity == Severity.Fatal);
    }
}
