using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Tests.Xen;

/// <summary>
/// bind_evtchn_to_irq_unlocked: the binding body without irq_mapping_update_lock (how startup_pirq
/// reaches set_evtchn_to_irq), so a program can race two binders on one missing row (K14).
/// </summary>
public class XenUnlockedBindTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Unlocked_binder_races_a_locked_one_on_the_same_missing_row(bool k14)
    {
        var m = k14 ? XenKit.New("fifo", 2, 14) : XenKit.New("fifo", 2);
        int p1 = m.AllocPort(), p2 = m.AllocPort();
        Assert.False(m.X().EvtchnToIrq.RowPresent(p1 / 1024));
        var c = OpCatalog.Default;
        var ra = new OpResult();
        var rb = new OpResult();
        var a = XenKit.Thread("A", 0, c["bind_evtchn_to_irq"].Body(m, new OpArgs([p1]), ra));
        var b = XenKit.Thread("B", 1, c["bind_evtchn_to_irq_unlocked"].Body(m, new OpArgs([p2]), rb));
        var seen = new List<Violation>();
        m.StepTo(a, "set_evtchn_to_irq.alloc_row", seen);
        Assert.Equal(a.Id, m.Locks.OwnerOf(LockRef.IrqMappingUpdate));              // A holds the mutex
        m.StepTo(b, "set_evtchn_to_irq.alloc_row", seen);                          // B does not need it
        m.Finish(a, seen);
        m.Finish(b, seen);
        Assert.True(ra.Ok && rb.Ok);
        Assert.Equal(rb.Value, m.X().EvtchnToIrq.Get(p2));
        if (k14)
        {
            Assert.Equal(-1, m.X().EvtchnToIrq.Get(p1));
            Assert.Equal(new[] { "I-X1" }, seen.Ids());
        }
        else
        {
            Assert.Equal(ra.Value, m.X().EvtchnToIrq.Get(p1));
            Assert.Empty(seen);
        }
    }

    /// <summary>Verify finding (fuzz, seed 4): an unlocked binder that binds the port bind_ipi_to_irq
    /// just got from EVTCHNOP_bind_ipi, before the IPI binder maps it, gave the port two irqs (I-X1,
    /// I-X14). Nobody but that binder knows the port yet: refused as caller misuse.</summary>
    [Fact]
    public void Unlocked_binder_of_a_port_an_ipi_binder_has_not_mapped_yet_is_misuse()
    {
        var m = XenKit.New("fifo", 2);
        var c = OpCatalog.Default;
        var ra = new OpResult();
        var a = XenKit.Thread("A", 0, c["bind_ipi_to_irq"].Body(m, new OpArgs([0, 1]), ra));
        var seen = new List<Violation>();
        m.StepTo(a, "set_evtchn_to_irq.alloc_row", seen);
        int port = m.X().IpiToEvtchn[1][0];
        Assert.Equal(EvtchnState.Ipi, m.X().Hv.Ports[port].State);
        Assert.Equal(-1, m.X().EvtchnToIrq.Get(port));
        var rb = new OpResult();
        m.Run("bind", 1, c["bind_evtchn_to_irq_unlocked"].Body(m, new OpArgs([port]), rb));
        Assert.Equal(Errno.EINVAL, rb.Error);
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "bind_evtchn_to_irq");
        m.Finish(a, seen);
        Assert.True(ra.Ok);
        Assert.Equal(ra.Value, m.X().EvtchnToIrq.Get(port));
        Assert.Empty(seen);
    }

    [Fact]
    public void Unlocked_binder_rejects_a_failed_producer()
    {
        var m = XenKit.New("2l");
        var r = new OpResult();
        m.Run("bind", 0, OpCatalog.Default["bind_evtchn_to_irq_unlocked"].Body(m, new OpArgs([-1]), r));
        Assert.Equal(Errno.EINVAL, r.Error);
        Assert.False(m.Locks.HeldCount > 0);
    }
}
