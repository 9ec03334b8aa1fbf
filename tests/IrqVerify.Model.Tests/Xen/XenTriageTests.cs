using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Tests.Xen;

/// <summary>Findings of the fuzzer / property suite on the reference model (Xen), each reproduced
/// by its minimized program.</summary>
public class XenTriageTests
{
    private static (Machine M, RunReport R) Run(string text)
    {
        var m = new Machine(MachineConfig.Default());
        var r = ProgramRunner.Run(m, ProgramParser.Parse(text, "t.irq", m.Config));
        return (m, r);
    }

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
}
