using IrqVerify.Model.Core;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Tests.Xen;

public class XenRebindTests
{
    /// <summary>Seed 002: a port rebound to another vCPU while an event is pending is delivered
    /// exactly once, on the new vCPU or the old, never lost — whichever vCPU runs the rebind.</summary>
    [Theory]
    [InlineData("2l", 0)]
    [InlineData("2l", 1)]
    [InlineData("fifo", 0)]
    [InlineData("fifo", 1)]
    public void Seed002_rebind_with_an_event_pending_delivers_it_exactly_once(string abi, int rebindCpu)
    {
        var m = XenKit.New(abi);
        var (p, irq) = m.Ready();
        m.Send(p);
        Assert.True(m.X().Hv.UpcallPending[0]);
        var seen = new List<Violation>();
        var t = XenKit.Thread("rebind", rebindCpu, m.Irq.SetAffinity(irq, CpuMask.Of(1), new OpResult()));
        m.Finish(t, seen);
        Assert.Empty(seen);
        var info = m.Info(irq);
        Assert.Equal(1, info.Cpu);
        Assert.Equal(1, m.X().Hv.Ports[p].NotifyVcpu);
        Assert.Equal(CpuMask.Of(1), m.Irqs[irq]!.EffectiveAffinity);
        Assert.Equal(MaskReason.None, info.MaskReason);
        m.Drain();
        Assert.Equal(1, m.Invocations(irq));
        Assert.Empty(m.Eventual());
        Assert.Empty(m.Safety());
        // Later events go to vCPU1 only.
        m.Send(p);
        Assert.True(m.X().Hv.UpcallPending[1]);
        Assert.False(m.X().Hv.UpcallPending[0]);
        m.Drain();
        Assert.Equal(2, m.Invocations(irq));
    }

    [Fact]
    public void Select_target_cpu_prefers_the_vcpu_with_fewest_channels()
    {
        var m = XenKit.New("fifo", 3);
        m.Ready();
        var (_, irq) = m.Ready();
        m.Run(1, o => m.X().BindIpiToIrq(0, 1, o));
        Assert.Equal(new[] { 2, 1, 0 }, m.X().ChannelsOnCpu);
        Assert.Equal(2, m.X().SelectTargetCpu(CpuMask.FirstN(3)));
        Assert.Equal(1, m.X().SelectTargetCpu(CpuMask.Of(0, 1)));
        Assert.True(m.Run(0, o => m.Irq.SetAffinity(irq, CpuMask.FirstN(3), o)).Ok);
        Assert.Equal(2, m.Info(irq).Cpu);
    }

    [Fact]
    public void IX5_vcpu_offline_moves_channels_and_clears_its_2l_mask()
    {
        var m = XenKit.New("2l");
        var (p, irq) = m.Ready();
        m.Run(0, o => m.Irq.SetAffinity(irq, CpuMask.Of(1), o));
        int ipi = (int)m.Run(1, o => m.X().BindIpiToIrq(0, 1, o)).Value;
        m.Request(ipi);
        var abi = (TwoLevelAbi)m.X().Abi;
        Assert.True(abi.InCpuMask(1, p));
        var seen = new List<Violation>();
        var t = XenKit.Thread("offline", 0, m.X().VcpuOffline(1, new OpResult()));
        m.Finish(t, seen);
        Assert.Equal("", string.Join("; ", seen.Select(x => x.ToString()).Distinct()));
        Assert.Equal(CpuMask.Of(0), m.X().Online);
        Assert.Equal(0, m.Info(irq).Cpu);
        Assert.True(abi.InCpuMask(0, p));
        Assert.All(abi.CpuEvtchnMask[1], w => Assert.Equal(0UL, w));
        Assert.Equal(-1, m.X().IpiToIrq[1][0]);
        m.Send(p);
        m.Drain();
        Assert.Equal(1, m.Invocations(irq));
        Assert.Equal(Errno.EBUSY, m.Run(0, o => m.X().VcpuOffline(0, o)).Error);
        Assert.Equal(Errno.Ok, m.X().VcpuOnline(1));
        Assert.Empty(m.Safety());
    }

    /// <summary>A per-vCPU VIRQ is bound from the hotplug callbacks (or under cpus_read_lock): it never
    /// overlaps that vCPU's offline. A bind in progress holds the offline off; an offline in progress
    /// holds the bind off until the vCPU is gone, and the bind then succeeds on the offline vCPU, as
    /// the CPU-up prepare callback binds before the CPU runs.</summary>
    [Fact]
    public void Per_cpu_virq_bind_and_vcpu_offline_are_serialised_by_the_hotplug_lock()
    {
        var m = XenKit.New("2l");
        var bind = XenKit.Thread("bind", 0, m.X().BindVirqToIrq(XenVirq.Timer, 1, new OpResult()));
        m.StepTo(bind, "bind_virq_to_irq.EVTCHNOP_bind_virq");
        var ro = new OpResult();
        var offline = XenKit.Thread("offline", 0, m.X().VcpuOffline(1, ro));
        offline.Step(m);
        Assert.Equal("cpu_hotplug_lock", offline.Pending.Point);
        Assert.False(offline.IsEnabled(m.Locks));
        m.Finish(bind);
        int irq = m.X().VirqToIrq[1][XenVirq.Timer];
        Assert.True(irq >= 0);
        m.Finish(offline);
        Assert.True(ro.Ok);
        Assert.Equal(-1, m.X().VirqToIrq[1][XenVirq.Timer]);

        var ro2 = new OpResult();
        var offline0 = XenKit.Thread("online", 0, m.X().VcpuOnlineOp(1, ro2));
        m.Finish(offline0);
        Assert.True(ro2.Ok);
        var off = XenKit.Thread("offline", 0, m.X().VcpuOffline(1, new OpResult()));
        m.StepTo(off, "xen_vcpu_offline.percpu_deinit");
        var rb = new OpResult();
        var late = XenKit.Thread("bind", 0, m.X().BindVirqToIrq(XenVirq.Timer, 1, rb));
        late.Step(m);
        Assert.False(late.IsEnabled(m.Locks));
        m.Finish(off);
        m.Finish(late);
        Assert.True(rb.Ok);
        Assert.Empty(m.Safety());
    }
}
