using IrqVerify.Model.Irq;
using IrqVerify.Model.Pci;

namespace IrqVerify.Model.Refinement;

/// <summary>What the abstract specification knows of one PCI device: its interrupt mode and Linux irqs.</summary>
public sealed record AbstractDevice(DeviceMode Mode, IReadOnlyList<int> Irqs)
{
    public bool Equals(AbstractDevice? o) => o is not null && Mode == o.Mode && Irqs.SequenceEqual(o.Irqs);
    public override int GetHashCode() => HashCode.Combine(Mode, Irqs.Count);
    public override string ToString() => $"{Mode} irqs [{string.Join(",", Irqs)}]";
}

/// <summary>What the abstract specification knows of one Linux irq.</summary>
public readonly record struct AbstractIrq(IrqOwner Owner, int OwnerIndex, bool HasHandler, int VectorPairs);

/// <summary>
/// The abstract specification's state: which mode each device has enabled and which irqs it owns,
/// which irqs exist (owner, handler, how many (cpu, vector) pairs they own), and which port maps to
/// which irq. The detailed model must refine it (see <see cref="AbstractSpec"/>).
/// </summary>
public sealed class AbstractState
{
    public required IReadOnlyList<AbstractDevice> Devices { get; init; }
    public required IReadOnlyDictionary<int, AbstractIrq> Irqs { get; init; }
    public required IReadOnlyDictionary<int, int> Ports { get; init; }

    /// <summary>The abstraction function α: the detailed machine seen through the spec.</summary>
    public static AbstractState Of(Machine m)
    {
        // One pass over the live descriptors (irq order, so each device's list is in irq order as
        // before); refinement takes this twice per operation.
        var devs = m.Pci.Devices;
        var devIrqs = new List<int>[devs.Length];
        for (int i = 0; i < devIrqs.Length; i++) devIrqs[i] = new List<int>();
        var all = new SortedDictionary<int, AbstractIrq>();
        foreach (var d in m.Irqs.AllocatedDescs())
        {
            if (d.Owner == IrqOwner.PciMsi && d.OwnerIndex >= 0 && d.OwnerIndex < devIrqs.Length) devIrqs[d.OwnerIndex].Add(d.Irq);
            int pairs = 0;
            if (m.Vector.Apic(d.Irq) is { } a)
            {
                if (a.Vector != 0 && a.Vector != Vector.VectorDomain.ManagedIrqShutdownVector) pairs++;
                if (a.PrevVector != 0) pairs++;
            }
            all[d.Irq] = new AbstractIrq(d.Owner, d.OwnerIndex, d.Action is not null, pairs);
        }
        var devices = new List<AbstractDevice>(devs.Length);
        for (int i = 0; i < devs.Length; i++) devices.Add(new AbstractDevice(devs[i].Mode, devIrqs[i]));
        var ports = new SortedDictionary<int, int>();
        if (m.Xen is { } xen)
            foreach (var info in xen.LiveInfos())
                if (info.Evtchn > 0) ports[info.Evtchn] = info.Irq;
        return new AbstractState { Devices = devices, Irqs = all, Ports = ports };
    }

    /// <summary>Some port maps to this irq.</summary>
    public bool MapsIrq(int irq) => Ports.Values.Contains(irq);

    public bool SameDevices(AbstractState o) => Devices.SequenceEqual(o.Devices);
    public bool SamePorts(AbstractState o) => Ports.Count == o.Ports.Count && Ports.All(kv => o.Ports.TryGetValue(kv.Key, out int v) && v == kv.Value);
    public bool SameIrqSet(AbstractState o) => Irqs.Count == o.Irqs.Count && Irqs.Keys.All(o.Irqs.ContainsKey);
}
