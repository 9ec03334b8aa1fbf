using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Tests.Xen;

/// <summary>Helpers: a small Xen machine, sequential ops, step-by-step threads, invariant runs.</summary>
internal static class XenKit
{
    public static Machine New(string abi = "fifo", int vcpus = 2, params int[] bugs)
    {
        var cfg = new MachineConfig { Name = "xen-test", Cpus = 2, Devices = [], Remapping = null, Xen = new XenConfig { Vcpus = vcpus, Abi = abi, MaxPorts = 4096 } };
        var v = new Variants();
        foreach (int k in bugs) v[k] = true;
        return new Machine(cfg, v);
    }

    public static XenEvents X(this Machine m) => m.Xen!;

    public static OpResult Run(this Machine m, int cpu, Func<OpResult, IEnumerable<Sched>> body, string name = "op")
    {
        var r = new OpResult();
        m.Run(name, cpu, body(r));
        return r;
    }

    public static int AllocPort(this Machine m)
    {
        Assert.Equal(Errno.Ok, m.X().Hv.AllocUnbound(out int p));
        return p;
    }

    public static int Bind(this Machine m, int port, bool lateeoi = false)
    {
        var r = m.Run(0, o => m.X().BindEvtchnToIrq(port, lateeoi, o), "bind");
        Assert.True(r.Ok, r.ToString());
        return (int)r.Value;
    }

    public static void Request(this Machine m, int irq)
    {
        var r = m.Run(0, o => m.Irq.RequestIrq(irq, "h", o), "request_irq");
        Assert.True(r.Ok, r.ToString());
    }

    /// <summary>Allocates, binds and requests a port; returns (port, irq).</summary>
    public static (int Port, int Irq) Ready(this Machine m, bool lateeoi = false)
    {
        int p = m.AllocPort();
        int irq = m.Bind(p, lateeoi);
        m.Request(irq);
        return (p, irq);
    }

    public static void Send(this Machine m, int port) => Assert.Equal(Errno.Ok, m.X().Hv.Send(port));

    public static void Upcall(this Machine m, int vcpu) => m.Run(vcpu, _ => m.X().Upcall(vcpu), $"upcall{vcpu}");

    public static void Drain(this Machine m)
    {
        for (int i = 0; i < 200 && m.X().DrainOnce(); i++) { }
        Assert.False(m.X().DrainOnce(), "drain did not converge");
    }

    public static IrqInfo Info(this Machine m, int irq) => m.X().InfoForIrq(irq)!;

    public static long Invocations(this Machine m, int irq) => m.Irqs[irq]!.Invocations;

    /// <summary>All safety checks of the Xen catalogue plus I-G1.</summary>
    public static List<Violation> Safety(this Machine m)
    {
        var v = new List<Violation>();
        foreach (var c in XenInvariants.All) if (c.Kind == InvariantKind.Safety) c.Check(m, v);
        GenericInvariants.IG1(m, v);
        return v;
    }

    public static List<Violation> Eventual(this Machine m)
    {
        var v = new List<Violation>();
        foreach (var c in XenInvariants.All) if (c.Kind == InvariantKind.Eventual) c.Check(m, v);
        return v;
    }

    public static string[] Ids(this List<Violation> v) => v.Select(x => x.Id).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToArray();

    private static int _nextId = 1;

    public static ModelThread Thread(string name, int cpu, IEnumerable<Sched> body) => new(_nextId++, name, cpu, body);

    /// <summary>Steps <paramref name="t"/> until it stops at <paramref name="point"/>; safety
    /// violations seen on the way are added to <paramref name="seen"/>.</summary>
    public static void StepTo(this Machine m, ModelThread t, string point, List<Violation>? seen = null)
    {
        for (int i = 0; i < 1000; i++)
        {
            if (t.Pending.Point == point && t.StepsTaken > 0) return;
            Assert.False(t.Done, $"{t.Name} finished before reaching {point}");
            Assert.True(t.IsEnabled(m.Locks), $"{t.Name} blocked at {t.Pending}");
            t.Step(m);
            seen?.AddRange(m.Safety());
        }
        Assert.Fail($"{t.Name} never reached {point}");
    }

    public static void Finish(this Machine m, ModelThread t, List<Violation>? seen = null)
    {
        for (int i = 0; i < 1000 && !t.Done; i++)
        {
            Assert.True(t.IsEnabled(m.Locks), $"{t.Name} blocked at {t.Pending}");
            t.Step(m);
            seen?.AddRange(m.Safety());
        }
        Assert.True(t.Done);
    }
}
