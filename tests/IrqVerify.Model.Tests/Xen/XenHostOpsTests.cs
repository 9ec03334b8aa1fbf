using IrqVerify.Model.Tests.Programs;
using IrqVerify.Model.Verdict;

namespace IrqVerify.Model.Tests.Xen;

/// <summary>The hypervisor-side operations KVM's Xen selftest drives: raw host writes, the guest's
/// EVTCHNOP_send and SCHEDOP_poll, a VIRQ firing, and the port query.</summary>
public class XenHostOpsTests
{
    [Fact]
    public void A_host_write_of_a_bound_ports_mask_is_misuse_of_I_X7_not_a_violation()
    {
        var (m, r) = ProgramKit.Run("xen_set_abi(2l)\np = evtchn_alloc_unbound()\ni = bind_evtchn_to_irq(p)\nrequest_irq(i)\nxen_host_set_mask(p)\n");
        var f = Assert.Single(r.Violations);
        Assert.Equal("I-X7", f.Violation.Id);
        Assert.Equal(FindingClass.Misuse, f.Class.Class);
        Assert.Contains(m.Diagnostics.Items, d => d.Rule == "I-X7" && d.Message == "the host writes the mask bit of port 1 (irq 24), which the guest owns");
    }

    [Fact]
    public void Withdrawing_a_raised_event_is_misuse_of_I_X11()
    {
        var (_, r) = ProgramKit.Run("xen_set_abi(2l)\np = evtchn_alloc_unbound()\ni = bind_evtchn_to_irq(p)\nrequest_irq(i)\nxen_send(p)\nxen_host_clear_pending(p)\n");
        var f = Assert.Single(r.Violations);
        Assert.Equal(("I-X11", FindingClass.Misuse), (f.Violation.Id, f.Class.Class));
    }

    [Fact]
    public void Raw_writes_need_the_2_level_layout()
    {
        var (_, r) = ProgramKit.Run("p = evtchn_alloc_unbound()\nxen_host_set_pending(p)\nexpect result == -EINVAL\nxen_set_abi(2l)\n");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
    }

    [Fact]
    public void Guest_send_raises_an_ipi_port_drops_an_unbound_one_and_refuses_a_virq_port()
    {
        var (_, r) = ProgramKit.Run(
            "xen_set_abi(2l)\ni = bind_ipi_to_irq(0, 1)\np = evtchn_from_irq(i)\nevtchnop_send(p)\nexpect port(p).pending\nexpect port(p).vcpu == 1\n" +
            "u = evtchn_alloc_unbound()\nevtchnop_send(u)\nexpect result == 0\nexpect port(u).pending == false\n" +
            "t = bind_virq_to_irq(0, 0)\nv = evtchn_from_irq(t)\nevtchnop_send(v)\nexpect result == -EINVAL\n" +
            "request_irq(i)\nxen_upcall(1)\nexpect irq(i).handled == 1\n");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
    }

    [Fact]
    public void Poll_is_ready_on_a_pending_port_times_out_otherwise_and_refuses_to_block_forever()
    {
        var (m, r) = ProgramKit.Run(
            "xen_set_abi(2l)\np = evtchn_alloc_unbound()\nn = sched_poll(0, p, 3)\nexpect n == 1\nexpect xen.jiffies == 3\n" +
            "xen_send(p)\nn2 = sched_poll(0, p, 3)\nexpect n2 == 0\nexpect xen.jiffies == 3\n" +
            "q = evtchn_alloc_unbound()\nsched_poll(0, q, 0)\nexpect result == -EINVAL\n" +
            // A long timeout is one step of the clock, not a loop of ticks (fuzz inputs pick any timeout).
            "n3 = sched_poll(0, q, 4000000000000)\nexpect n3 == 1\nexpect xen.jiffies == 4000000000003\n");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        Assert.Contains(m.Diagnostics.Items, d => d.Rule == "SCHEDOP_poll" && d.Severity == IrqVerify.Model.Core.Severity.Misuse);
    }

    [Fact]
    public void A_virq_fires_on_its_bound_port_or_is_dropped()
    {
        var (_, r) = ProgramKit.Run(
            "xen_set_abi(2l)\nx = xen_raise_virq(0, 1)\nexpect x == 0\nt = bind_virq_to_irq(0, 1)\nrequest_irq(t)\ny = xen_raise_virq(0, 1)\n" +
            "expect irq(t).port == y\nexpect vcpu(1).upcall_pending\nexpect vcpu(0).upcall_pending == false\nxen_upcall(1)\nexpect irq(t).handled == 1\n" +
            "unbind_from_irqhandler(t)\nz = evtchn_from_irq(t)\nexpect z == 0\nexpect port(y).allocated == false\n");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
    }
}
