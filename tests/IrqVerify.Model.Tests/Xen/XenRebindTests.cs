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
}
