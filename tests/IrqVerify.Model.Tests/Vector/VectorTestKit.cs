using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Vector;

namespace IrqVerify.Model.Tests.Vector;

/// <summary>Small machines and helpers for driving the x86 vector domain directly.</summary>
internal static class VectorTestKit
{
    /// <summary>A machine with only x86 CPUs (no devices, no Xen). Window [0x20, end), system vectors as given.</summary>
    public static Machine NewMachine(int cpus = 4, int end = 0xeb, int[]? system = null, params string[] variants)
    {
        var cfg = new MachineConfig { Cpus = cpus, VectorEnd = end, Xen = null, Remapping = null };
        if (system is not null) cfg.SystemVectors = [.. system];
        cfg.Variants.AddRange(variants);
        return new Machine(cfg);
    }

    public static OpResult Run(Machine m, string name, int cpu, Func<OpResult, IEnumerable<Sched>> body)
    {
        var r = new OpResult();
        m.Run(name, cpu, body(r));
        return r;
    }

    public static int Alloc(Machine m, CpuMask mask, bool managed = false)
    {
        var r = Run(m, "vector_alloc", 0, rr => VectorOps.VectorAlloc(m, mask, managed, rr));
        Assert.True(r.Ok, $"vector_alloc failed: {r}");
        return (int)r.Value;
    }

    public static Errno Request(Machine m, int irq) => Run(m, "request_irq", 0, r => m.Irq.RequestIrq(irq, "h", r)).Error;
    public static Errno FreeIrq(Machine m, int irq) => Run(m, "free_irq", 0, r => m.Irq.FreeIrq(irq, r)).Error;
    public static Errno SetAffinity(Machine m, int irq, CpuMask mask) => Run(m, "irq_set_affinity", 0, r => m.Irq.SetAffinity(irq, mask, r)).Error;
    public static OpResult Interrupt(Machine m, int cpu) => Run(m, "interrupt", cpu, r => m.Vector.Interrupt(cpu, r));
    public static OpResult CleanupTimer(Machine m, int cpu) => Run(m, "cleanup_timer", cpu, r => m.Vector.CleanupTimer(cpu, r));
    public static Errno Offline(Machine m, int cpu) => Run(m, "cpu_offline", cpu, r => m.Vector.CpuOffline(cpu, r)).Error;
    public static Errno Online(Machine m, int cpu) => Run(m, "cpu_online", cpu, r => m.Vector.CpuOnline(cpu, r)).Error;

    public static void Drain(Machine m)
    {
        for (int i = 0; i < 100 && m.Vector.DrainOnce(); i++) { }
    }

    /// <summary>Runs a thread step by step until it stops at <paramref name="point"/>.</summary>
    public static void StepUntil(Machine m, ModelThread t, string point)
    {
        while (!t.Done && t.Pending.Point != point)
        {
            Assert.True(t.IsEnabled(m.Locks), $"{t} blocked");
            t.Step(m);
        }
        Assert.Equal(point, t.Pending.Point);
    }

    public static void Finish(Machine m, ModelThread t)
    {
        while (!t.Done)
        {
            Assert.True(t.IsEnabled(m.Locks), $"{t} blocked");
            t.Step(m);
        }
    }

    /// <summary>IDs of the vector-domain checks (both kinds) that fire now, sorted.</summary>
    public static string[] Fired(Machine m) =>
        VectorInvariants.All.SelectMany(c => c.Run(m)).Select(v => v.Id).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToArray();

    public static string[] FiredSafety(Machine m) =>
        VectorInvariants.All.Where(c => c.Kind == InvariantKind.Safety).SelectMany(c => c.Run(m)).Select(v => v.Id).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToArray();

    public static string[] FiredGeneric(Machine m) =>
        GenericInvariants.All.SelectMany(c => c.Run(m)).Select(v => v.Id).Distinct().OrderBy(s => s, StringComparer.Ordinal).ToArray();
}
