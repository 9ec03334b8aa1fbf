using IrqVerify.Model.Core;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Tests.Xen;

public class XenBindingTests
{
    [Theory]
    [InlineData("2l")]
    [InlineData("fifo")]
    public void IX15_binding_starts_masked_explicit_until_request_irq(string abi)
    {
        var m = XenKit.New(abi);
        int p = m.AllocPort();
        int irq = m.Bind(p);
        var info = m.Info(irq);
        Assert.Equal(MaskReason.Explicit, info.MaskReason);
        Assert.True(m.X().Abi.IsMasked(p));
        Assert.Equal(0, info.Cpu);
        Assert.Equal(irq, m.X().EvtchnToIrq.Get(p));

        m.Send(p);
        Assert.True(m.X().Abi.IsPending(p));
        Assert.False(m.X().Hv.UpcallPending[0]);

        m.Request(irq);
        Assert.Equal(MaskReason.None, info.MaskReason);
        Assert.False(m.X().Abi.IsMasked(p));
        Assert.True(m.X().Hv.UpcallPending[0]);
        Assert.Equal(1, info.LastUnmaskPaths);
        m.Drain();
        Assert.Equal(1, m.Invocations(irq));
        Assert.Empty(m.Safety());
    }

    [Fact]
    public void Port_zero_failed_producer_and_unallocated_ports_are_rejected()
    {
        var m = XenKit.New();
        Assert.Equal(Errno.EINVAL, m.Run(0, o => m.X().BindEvtchnToIrq(0, false, o)).Error);
        Assert.Equal(Errno.EINVAL, m.Run(0, o => m.X().BindEvtchnToIrq(-1, false, o)).Error);
        Assert.Equal(Errno.EINVAL, m.Run(0, o => m.X().BindEvtchnToIrq(5, false, o)).Error);
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "bind_evtchn_to_irq");
        Assert.Equal(Errno.EINVAL, m.X().Hv.Send(0));
        Assert.Equal(1, m.AllocPort());
    }

    [Fact]
    public void Binding_a_mapped_port_again_returns_the_same_irq()
    {
        var m = XenKit.New();
        int p = m.AllocPort();
        int irq = m.Bind(p);
        Assert.Equal(irq, m.Bind(p));
        Assert.Equal(1, m.Irqs.AllocatedCount(Irq.IrqOwner.Xen));
    }

    [Theory]
    [InlineData("2l")]
    [InlineData("fifo")]
    public void IX2_unbind_removes_the_mapping_before_closing_the_port(string abi)
    {
        var m = XenKit.New(abi);
        var (p, irq) = m.Ready();
        var seen = new List<Violation>();
        var t = XenKit.Thread("unbind", 0, m.X().UnbindFromIrqhandler(irq, new OpResult()));
        m.StepTo(t, "__unbind_from_irq.close", seen);
        Assert.Equal(-1, m.X().EvtchnToIrq.Get(p));
        Assert.Equal(EvtchnState.Unbound, m.X().Hv.Ports[p].State);
        m.Finish(t, seen);
        Assert.Empty(seen);
        Assert.Equal(EvtchnState.Free, m.X().Hv.Ports[p].State);
        // No upcall ran since the free: the grace period is over, info and descriptor are gone.
        Assert.Null(m.X().InfoForIrq(irq));
        Assert.Null(m.Irqs[irq]);
        // Xen hands the number out again; the new binding meets no stale mapping.
        Assert.Equal(p, m.AllocPort());
        int irq2 = m.Bind(p);
        Assert.Equal(MaskReason.Explicit, m.Info(irq2).MaskReason);
        Assert.Empty(m.Safety());
    }

    [Fact]
    public void IX3_per_cpu_virq_binds_on_its_vcpu_and_cannot_be_rebound()
    {
        var m = XenKit.New("2l");
        var r = m.Run(1, o => m.X().BindVirqToIrq(XenVirq.Timer, 1, o));
        int irq = (int)r.Value;
        var info = m.Info(irq);
        Assert.Equal(IrqType.Virq, info.Type);
        Assert.Equal(1, info.Cpu);
        Assert.Equal(irq, m.X().VirqToIrq[1][XenVirq.Timer]);
        Assert.Equal(CpuMask.Of(1), m.Irqs[irq]!.Affinity);
        Assert.Equal(Irq.FlowKind.PerCpu, m.Irqs[irq]!.Flow);
        m.Request(irq);
        Assert.Equal(Errno.EIO, m.Run(0, o => m.Irq.SetAffinity(irq, CpuMask.Of(0), o)).Error);
        // Xen refuses bind_vcpu for it; the rebind keeps the binding and drops its temporary mask.
        var rr = m.Run(0, o => m.X().RebindEvtchnToCpu(info, 0, o));
        Assert.True(rr.Ok);
        Assert.Equal(1, info.Cpu);
        Assert.Equal(1, m.X().Hv.Ports[info.Evtchn].NotifyVcpu);
        Assert.Equal(MaskReason.None, info.MaskReason);
        Assert.Empty(m.Safety());
    }

    [Fact]
    public void Global_virq_binds_on_vcpu0_only_and_ipi_caches_its_port()
    {
        var m = XenKit.New();
        Assert.Equal(Errno.EINVAL, m.Run(1, o => m.X().BindVirqToIrq(XenVirq.Console, 1, o)).Error);
        int virqIrq = (int)m.Run(0, o => m.X().BindVirqToIrq(XenVirq.Console, 0, o)).Value;
        Assert.Equal(Irq.FlowKind.Edge, m.Irqs[virqIrq]!.Flow);
        int ipiIrq = (int)m.Run(1, o => m.X().BindIpiToIrq(2, 1, o)).Value;
        var ipi = m.Info(ipiIrq);
        Assert.Equal(ipi.Evtchn, m.X().IpiToEvtchn[1][2]);
        Assert.Equal(1, ipi.Cpu);
        Assert.Equal(new[] { 1, 1 }, m.X().ChannelsOnCpu);
        m.Request(virqIrq);
        Assert.True(m.Run(0, o => m.Irq.SetAffinity(virqIrq, CpuMask.Of(1), o)).Ok);
        Assert.Equal(1, m.X().Hv.Ports[m.Info(virqIrq).Evtchn].NotifyVcpu);
        Assert.Empty(m.Safety());
        Assert.True(m.Run(0, o => m.X().UnbindFromIrq(ipiIrq, o)).Ok);
        Assert.Equal(-1, m.X().IpiToIrq[1][2]);
        Assert.Equal(0, m.X().IpiToEvtchn[1][2]);
        Assert.Empty(m.Safety());
    }

    [Fact]
    public void IX6_refcounted_channel_is_torn_down_when_the_last_reference_goes()
    {
        var m = XenKit.New();
        int p = m.AllocPort();
        int irq = m.Bind(p);
        Assert.Equal(Errno.Ok, m.X().EvtchnMakeRefcounted(p));
        Assert.Equal(2, m.Run(0, o => m.X().EvtchnGet(p, o)).Value);
        Assert.Equal(1, m.Run(0, o => m.X().EvtchnPut(p, o)).Value);
        Assert.Equal(irq, m.X().EvtchnToIrq.Get(p));
        Assert.True(m.Run(0, o => m.X().EvtchnPut(p, o)).Ok);
        Assert.Equal(-1, m.X().EvtchnToIrq.Get(p));
        Assert.Equal(EvtchnState.Free, m.X().Hv.Ports[p].State);
        Assert.Empty(m.Safety());
    }

    [Fact]
    public void Abi_switch_only_while_nothing_is_bound()
    {
        var m = XenKit.New("fifo");
        int p = m.AllocPort();
        m.Send(p);
        Assert.Equal(Errno.Ok, m.X().SetAbi("2l"));
        Assert.Equal("2l", m.X().Abi.Name);
        Assert.True(m.X().Abi.IsPending(p));
        Assert.True(m.X().Abi.IsMasked(p));
        m.Bind(p);
        Assert.Equal(Errno.EBUSY, m.X().SetAbi("fifo"));
    }
}

public class XenOpsTests
{
    [Fact]
    public void Vocabulary_runs_bind_request_send_upcall_through_the_catalog()
    {
        var m = XenKit.New("2l");
        var c = IrqVerify.Model.Program.OpCatalog.Default;
        long Call(string op, params long[] args)
        {
            var r = new OpResult();
            m.Run(op, 0, c[op].Body(m, new IrqVerify.Model.Program.OpArgs(args), r));
            Assert.True(r.Ok, $"{op}: {r}");
            return r.Value;
        }
        int p = (int)Call("evtchn_alloc_unbound");
        int irq = (int)Call("bind_evtchn_to_irq", p);
        Call("request_irq", irq);
        Call("xen_send", p);
        Call("xen_upcall", 0);
        Assert.Equal(1, m.Invocations(irq));
        Call("xen_rebind", irq, 1);
        Assert.Equal(1, m.Info(irq).Cpu);
        Call("unbind_from_irqhandler", irq);
        Assert.Equal(-1, m.X().EvtchnToIrq.Get(p));
        Assert.True(c["xen_send"].IsEnvironment);
        var bad = new OpResult();
        m.Run("bind", 0, c["bind_evtchn_to_irq"].Body(m, new IrqVerify.Model.Program.OpArgs([-1]), bad));
        Assert.Equal(Errno.EINVAL, bad.Error);
        var sw = new StringWriter();
        m.X().Dump(sw);
        Assert.Contains("abi=2l", sw.ToString());
    }
}
