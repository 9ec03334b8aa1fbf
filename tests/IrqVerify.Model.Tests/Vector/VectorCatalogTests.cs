using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using static IrqVerify.Model.Tests.Vector.VectorTestKit;

namespace IrqVerify.Model.Tests.Vector;

/// <summary>The whole catalogue (matrix + vector + generic) stays clean after every step of a
/// mixed x86 workload in the reference model.</summary>
public class VectorCatalogTests
{
    private static string[] Broken(Machine m, InvariantKind kind) =>
        InvariantCatalog.All.Where(c => c.Kind == kind).SelectMany(c => c.Run(m)).Select(v => v.ToString()).ToArray();

    [Fact]
    public void Mixed_workload_keeps_every_safety_invariant_after_every_step_and_drains_clean()
    {
        var m = NewMachine();
        int a = Alloc(m, CpuMask.Empty);
        int b = Alloc(m, CpuMask.Of(1, 2), managed: true);
        int c = Alloc(m, CpuMask.Of(3));
        Request(m, a); Request(m, b); Request(m, c);
        var ops = new List<(string, int, Func<OpResult, IEnumerable<Sched>>)>
        {
            ("irq_set_affinity", 0, r => m.Irq.SetAffinity(c, CpuMask.Of(1), r)),
            ("irq_set_affinity", 0, r => m.Irq.SetAffinity(a, CpuMask.Of(3), r)),
            ("cpu_offline", 3, r => m.Vector.CpuOffline(3, r)),
            ("cpu_offline", 2, r => m.Vector.CpuOffline(2, r)),
            ("cpu_offline", 1, r => m.Vector.CpuOffline(1, r)),
            ("cpu_online", 2, r => m.Vector.CpuOnline(2, r)),
            ("cpu_online", 3, r => m.Vector.CpuOnline(3, r)),
            ("irq_set_affinity", 0, r => m.Irq.SetAffinity(c, CpuMask.Of(3), r)),
        };
        foreach (var (name, cpu, body) in ops)
        {
            var t = new ModelThread(7, name, cpu, body(new OpResult()));
            while (!t.Done)
            {
                t.Step(m);
                Assert.Equal(Array.Empty<string>(), Broken(m, InvariantKind.Safety));
            }
            foreach (int irq in new[] { a, b, c }) m.Vector.Raise(irq);
            Drain(m);
            Assert.Equal(Array.Empty<string>(), Broken(m, InvariantKind.Safety));
            Assert.Equal(Array.Empty<string>(), Broken(m, InvariantKind.Eventual));
        }
        Assert.True(m.Irqs[b]!.Started);
        Assert.Equal(2, m.Vector.Apic(b)!.Cpu);
        Assert.DoesNotContain(m.Diagnostics.Items, d => d.Severity is Severity.Warn or Severity.Fatal);
    }
}
