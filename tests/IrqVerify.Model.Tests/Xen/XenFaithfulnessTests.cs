using IrqVerify.Model.Core;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Tests.Xen;

/// <summary>
/// The Xen event paths do what drivers/xen/events does in 6.12, not more
/// (docs/model-deviations.md D1–D3).
/// </summary>
public class XenFaithfulnessTests
{
    [Fact]
    public void D1_2l_timer_virq_runs_its_handler_even_while_its_claim_is_held()
    {
        // events_2l.c:177-183: the timer VIRQ goes to generic_handle_irq without is_active.
        var m = XenKit.New("2l");
        int irq = (int)m.Run(0, o => m.X().BindVirqToIrq(XenVirq.Timer, 0, o)).Value;
        m.Request(irq);
        var info = m.Info(irq);
        info.IsActive = true;
        m.Send(info.Evtchn);
        m.Upcall(0);
        Assert.Equal(1, m.Invocations(irq));
        // handle_percpu_irq acks first: event_handler_exit drops is_active and the pending bit.
        Assert.False(info.IsActive);
        Assert.False(m.X().Abi.IsPending(info.Evtchn));
        Assert.Equal(0, info.ClaimCount);
    }

    [Fact]
    public void D2_fifo_consume_handles_a_pending_unmasked_head_that_is_not_linked()
    {
        // events_fifo.c:295-311: clear_linked() on the head, then handle it if pending and not
        // masked; LINKED is never tested.
        var m = XenKit.New("fifo");
        var (p, irq) = m.Ready();
        m.Send(p);
        var fifo = (FifoAbi)m.X().Abi;
        Assert.True(fifo.IsLinked(p));
        fifo.Words[p] &= ~FifoAbi.LinkedBit;
        m.Upcall(0);
        Assert.Equal(1, m.Invocations(irq));
        Assert.False(fifo.IsPending(p));
        Assert.Equal(0, fifo.LocalHead[0][FifoAbi.DefaultPriority]);
        Assert.Equal(0u, fifo.LoopReady[0]);
    }

    [Fact]
    public void D3_rebind_moves_the_old_vcpus_virq_slot_whatever_it_holds()
    {
        // events_base.c:1811-1818: after EVTCHNOP_bind_vcpu succeeds, virq_to_irq[old][virq]
        // moves to the target vCPU and the old slot becomes -1, with no check of its content.
        var m = XenKit.New("fifo");
        int irq = (int)m.Run(0, o => m.X().BindVirqToIrq(XenVirq.Console, 0, o)).Value;
        var info = m.Info(irq);
        Assert.True(m.Run(0, o => m.X().RebindEvtchnToCpu(info, 1, o)).Ok);
        Assert.Equal(-1, m.X().VirqToIrq[0][XenVirq.Console]);
        Assert.Equal(irq, m.X().VirqToIrq[1][XenVirq.Console]);
        Assert.Equal(1, m.X().Hv.Ports[info.Evtchn].NotifyVcpu);

        // The kernel copies a stale slot as it is: an emptied old slot empties the target's too.
        m.X().VirqToIrq[1][XenVirq.Console] = -1;
        m.X().VirqToIrq[0][XenVirq.Console] = irq;
        Assert.True(m.Run(0, o => m.X().RebindEvtchnToCpu(info, 0, o)).Ok);
        Assert.Equal(-1, m.X().VirqToIrq[1][XenVirq.Console]);
        Assert.Equal(-1, m.X().VirqToIrq[0][XenVirq.Console]);
        Assert.Equal(0, info.Cpu);
    }
}
