using IrqVerify.Model.Core;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Tests.Xen;

public class XenLateEoiTests
{
    [Theory]
    [InlineData("2l")]
    [InlineData("fifo")]
    public void IX10_lateeoi_port_stays_masked_and_claimed_until_the_eoi(string abi)
    {
        var m = XenKit.New(abi);
        var (p, irq) = m.Ready(lateeoi: true);
        var info = m.Info(irq);
        m.Send(p);
        m.Upcall(0);
        Assert.Equal(1, m.Invocations(irq));
        Assert.Equal(MaskReason.EoiPending, info.MaskReason);
        Assert.True(info.IsActive);
        Assert.True(m.X().Abi.IsMasked(p));
        Assert.False(m.X().Abi.IsPending(p));
        m.Send(p);
        Assert.False(m.X().Hv.UpcallPending[0]);
        m.Upcall(0);
        Assert.Equal(1, m.Invocations(irq));
        Assert.Empty(m.Safety());

        var r = m.Run(0, o => m.X().XenIrqLateeoi(irq, false, o));
        Assert.Equal(0, r.Value);
        Assert.False(info.IsActive);
        Assert.Equal(MaskReason.None, info.MaskReason);
        Assert.True(m.X().Hv.UpcallPending[0]);
        m.Upcall(0);
        Assert.Equal(2, m.Invocations(irq));
        m.Drain(); // the driver EOIs the second delivery
        Assert.Equal(MaskReason.None, info.MaskReason);
        Assert.Empty(m.Safety());
        Assert.Empty(m.Eventual());
    }

    [Fact]
    public void IX16_spurious_back_off_delays_double_from_the_threshold_and_are_capped_at_HZ()
    {
        var m = XenKit.New("fifo");
        var (p, irq) = m.Ready(lateeoi: true);
        var info = m.Info(irq);
        // 1st spurious EOI: count 1 = threshold, no delay.
        Assert.Equal(1, m.Run(0, o => m.X().XenIrqLateeoi(irq, true, o)).Value);
        Assert.False(info.OnEoiList);
        // Count c > 1 delays 2^(c-2) ticks: probe each count from a preset count.
        var expected = new Dictionary<int, long> { [2] = 1, [3] = 2, [4] = 4, [5] = 8, [9] = 128, [10] = XenEvents.Hz };
        foreach (var (cnt, delay) in expected)
        {
            info.SpuriousCnt = cnt - 1;
            m.Run(0, o => m.X().XenIrqLateeoi(irq, true, o));
            Assert.Equal(cnt, info.SpuriousCnt);
            Assert.True(info.OnEoiList);
            Assert.Equal(delay, info.EoiTime - m.X().Jiffies);
            Assert.Empty(m.Safety());
            // Still queued: a further EOI is ignored.
            m.Run(0, o => m.X().XenIrqLateeoi(irq, true, o));
            Assert.Equal(cnt, info.SpuriousCnt);
            m.X().EoiLists[0].Clear();
            info.OnEoiList = false;
            info.EoiTime = 0;
        }
        // Saturation: 2^10 >= 4*HZ, the count stops growing.
        Assert.Equal(10, XenEvents.SpuriousCntMax);
        m.Run(0, o => m.X().XenIrqLateeoi(irq, true, o));
        Assert.Equal(10, info.SpuriousCnt);
        Assert.Equal(XenEvents.Hz, info.EoiTime - m.X().Jiffies);
        // The worker EOIs when due — non-spuriously, which resets the count.
        m.Run(0, _ => m.X().LateeoiWorker(0));
        Assert.True(info.OnEoiList);
        m.X().Jiffies += XenEvents.Hz;
        m.Run(0, _ => m.X().LateeoiWorker(0));
        Assert.False(info.OnEoiList);
        Assert.Equal(0, info.SpuriousCnt);
        Assert.Equal(MaskReason.None, info.MaskReason);
        Assert.Empty(m.Safety());
        _ = p;
    }

    [Fact]
    public void Drain_advances_the_clock_to_a_delayed_eoi_and_delivers_the_pending_event()
    {
        var m = XenKit.New("2l");
        var (p, irq) = m.Ready(lateeoi: true);
        var info = m.Info(irq);
        m.Send(p);
        m.Upcall(0);
        info.SpuriousCnt = 3;
        m.Run(0, o => m.X().XenIrqLateeoi(irq, true, o)); // count 4: 4 ticks
        Assert.True(info.OnEoiList);
        m.Send(p);
        Assert.False(m.X().Hv.UpcallPending[0]);
        m.Drain();
        Assert.Equal(4, m.X().Jiffies);
        Assert.Equal(2, m.Invocations(irq));
        Assert.Empty(m.Eventual());
        Assert.Empty(m.Safety());
    }
}
