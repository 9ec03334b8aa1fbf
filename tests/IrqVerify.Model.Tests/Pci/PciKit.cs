using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Pci;

namespace IrqVerify.Model.Tests.Pci;

/// <summary>Machines and helpers for the PCI MSI/MSI-X tests.</summary>
internal static class PciKit
{
    public const PciBus.IrqFlags Msix = PciBus.IrqFlags.Msix;
    public const PciBus.IrqFlags Msi = PciBus.IrqFlags.Msi;
    public const PciBus.IrqFlags Intx = PciBus.IrqFlags.Intx;
    public const PciBus.IrqFlags Affinity = PciBus.IrqFlags.Affinity;

    public static DeviceConfig MsiDev(string name, int mmc, bool maskBit, bool remapped, int pin = 16) =>
        new() { Name = name, PinIrq = pin, Remapped = remapped, Msi = new MsiCapConfig { Mmc = mmc, MaskBit = maskBit, Is64 = true } };

    public static DeviceConfig MsixDev(string name, int size, bool remapped, int pin = 17) =>
        new() { Name = name, PinIrq = pin, Remapped = remapped, Msix = new MsixCapConfig { TableSize = size } };

    public static Machine Make(params DeviceConfig[] devs) => Make(null, devs);

    public static Machine Make(Action<Variants>? variants, params DeviceConfig[] devs)
    {
        var cfg = new MachineConfig { Name = "pci-test", Cpus = 4, Devices = [.. devs], Remapping = new RemappingConfig { Entries = 64 } };
        var v = new Variants();
        variants?.Invoke(v);
        return new Machine(cfg, v);
    }

    public static OpResult Run(Machine m, Func<OpResult, IEnumerable<Sched>> op, int cpu = 0)
    {
        var r = new OpResult();
        m.Run("op", cpu, op(r));
        return r;
    }

    public static long Alloc(Machine m, int dev, int min, int max, PciBus.IrqFlags flags)
    {
        var r = Run(m, o => m.Pci.AllocIrqVectors(dev, min, max, flags, o));
        return r.Ok ? r.Value : -(long)r.Error;
    }

    public static Errno Request(Machine m, int irq) => Run(m, o => m.Irq.RequestIrq(irq, "drv", o)).Error;

    public static Errno FreeIrq(Machine m, int irq) => Run(m, o => m.Irq.FreeIrq(irq, o)).Error;

    public static void FreeVectors(Machine m, int dev) => Run(m, o => m.Pci.FreeIrqVectors(dev, o));

    public static Errno Raise(Machine m, int dev, int k) => Run(m, o => m.Pci.Raise(dev, k, o), -1).Error;

    /// <summary>Runs quiescence work until nothing is left (bounded).</summary>
    public static void Drain(Machine m)
    {
        for (int i = 0; i < 1000; i++)
            if (!m.Vector.DrainOnce() && !m.Pci.DrainOnce()) return;
    }

    /// <summary>The IDs of every safety check (all subsystems) that fires now.</summary>
    public static SortedSet<string> Fired(Machine m, InvariantKind kind = InvariantKind.Safety)
    {
        var ids = new SortedSet<string>();
        foreach (var c in InvariantCatalog.All)
            if (c.Kind == kind)
                foreach (var v in c.Run(m)) ids.Add(v.Id);
        return ids;
    }

    public static string Violations(Machine m)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var c in InvariantCatalog.All) foreach (var v in c.Run(m)) sb.AppendLine(v.ToString());
        return sb.ToString();
    }

    public static void AssertClean(Machine m)
    {
        var fired = Fired(m);
        Assert.True(fired.Count == 0, Violations(m));
    }

    public static void AssertFired(Machine m, params string[] ids)
    {
        Assert.Equal(new SortedSet<string>(ids), Fired(m));
    }

    /// <summary>No vector_irq entry on any CPU names a descriptor (only UNUSED / SHUTDOWN / RETRIGGERED marks).</summary>
    public static void NoVectorNamesAnIrq(Machine m)
    {
        foreach (var c in m.Vector.Cpus)
            for (int v = 0; v < 256; v++)
                Assert.True(m.Vector.VectorIrq(c.Cpu, v) < 0, $"CPU{c.Cpu} vector 0x{v:x} -> irq {m.Vector.VectorIrq(c.Cpu, v)}");
    }

    /// <summary>Steps a thread until its pending scheduling point is <paramref name="point"/>.</summary>
    public static void StepUntil(Machine m, ModelThread t, string point)
    {
        for (int i = 0; i < 100 && !t.Done && t.Pending.Point != point; i++) t.Step(m);
        Assert.Equal(point, t.Pending.Point);
    }

    public static void Finish(Machine m, ModelThread t)
    {
        for (int i = 0; i < 100 && !t.Done; i++) t.Step(m);
        Assert.True(t.Done);
    }


    /// <summary>Matrix, apic chip data, irq table, remapping table: the resources an enable consumes.
    /// Not the per-CPU vector_irq tables: clear_irq_vector leaves VECTOR_SHUTDOWN marks behind by
    /// design (see <see cref="NoVectorNamesAnIrq"/>).</summary>
    public static ulong ResourceHash(Machine m)
    {
        var h = new StateHasher();
        m.Matrix.Hash(ref h);
        for (int irq = 0; irq < m.Irqs.Count; irq++) m.Vector.Apic(irq)?.Hash(ref h);
        m.Irqs.Hash(ref h);
        m.Pci.Irte?.Hash(ref h);
        return h.Value;
    }
}
