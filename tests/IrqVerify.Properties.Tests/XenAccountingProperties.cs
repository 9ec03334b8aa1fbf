using IrqVerify.Model;
using IrqVerify.Model.Irq;
using IrqVerify.Model.Xen;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>
/// Xen delivery accounting (issue 3 item 5): handler invocations against pending 0→1
/// transitions. Nothing is lost (a 0→1 transition on a port whose irq has a handler, is started,
/// enabled and unmasked is followed by an invocation once drained), a handler never runs on two
/// vCPUs at once (after every step), and a lateeoi port is never delivered again between a
/// delivery and its xen_irq_lateeoi.
/// </summary>
[SuiteProperties(Arbitrary = [typeof(XenScenarios)], MaxTest = 120, EndSize = 30)]
public class XenAccountingProperties
{
    [SuiteProperty]
    public void Handler_invocations_account_for_every_pending_transition(Scenario s) => Counterexample.Check(s, _ =>
    {
        var m = s.Boot();
        var x = m.Xen!;
        var st = new ProgramStepper(m);
        var owed = new Dictionary<int, long>();         // irq -> invocations when an event became pending
        var sinceEoi = new Dictionary<int, long>();     // lateeoi irq -> invocations at its last EOI
        m.AfterStep = _ =>
        {
            foreach (var d in m.Irqs.All)
                if (d.Allocated && d.Owner == IrqOwner.Xen)
                    Assert.True(d.HandlersRunning <= 1, $"irq {d.Irq}: handler running on {d.HandlersRunning} vCPUs at once");
            foreach (var info in x.LiveInfos())
            {
                if (!info.LateEoi || m.Irqs[info.Irq] is not { } d) continue;
                long at = sinceEoi.TryGetValue(info.Irq, out long a) && a <= d.Invocations ? a : 0;
                Assert.True(d.Invocations - at <= 1, $"lateeoi irq {info.Irq}: {d.Invocations - at} deliveries without an EOI in between");
            }
        };
        foreach (var line in s.Program.Calls)
        {
            int port = -1;
            bool wasPending = false;
            if (line.Op == "xen_send")
            {
                port = (int)ProgramRunnerResolve(st, line);
                wasPending = port > 0 && x.Hv.IsValidPort(port) && x.Abi.IsPending(port);
            }
            var (_, args, r) = st.Step(line);
            if (line.Op == "xen_irq_lateeoi" && m.Irqs[args.Int(0)] is { } e) sinceEoi[e.Irq] = e.Invocations;
            if (port > 0 && r.Ok && !wasPending && x.Abi.IsPending(port) && x.EvtchnToInfo(port) is { } info && m.Irqs[info.Irq] is { } d)
                owed[info.Irq] = d.Invocations;
            foreach (var (irq, at) in owed.ToList())
                if (m.Irqs[irq] is not { } dd || dd.Invocations > at) owed.Remove(irq);
        }
        m.AfterStep = null;
        Assert.True(m.Drain());
        foreach (var (irq, at) in owed)
        {
            if (m.Irqs[irq] is not { } d || x.InfoForIrq(irq) is not { } info || info.Evtchn <= 0) continue;
            bool deliverable = d.Action is not null && d.Started && d.DisableDepth == 0 && info.MaskReason == MaskReason.None && x.Online.Contains(info.Cpu);
            if (deliverable)
                Assert.True(d.Invocations > at, $"irq {irq} (port {info.Evtchn}): an event became pending but the handler never ran (invocations {d.Invocations})");
        }
    });

    private static long ProgramRunnerResolve(ProgramStepper st, Model.Program.ProgramLine line) =>
        Model.Program.ProgramRunner.Resolve(line, st.Vars)[0];
}
