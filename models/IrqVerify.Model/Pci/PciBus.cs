using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Pci;

/// <summary>
/// PCI devices with MSI / MSI-X (drivers/pci/msi/*), the MSI irqdomain core (kernel/irq/msi.c)
/// and the interrupt-remapping table, over the x86 vector domain. The operations live in the
/// partial files PciBus.*.cs, one kernel concept each.
/// </summary>
public sealed partial class PciBus
{
    private readonly Machine m;

    public PciBus(Machine machine)
    {
        m = machine;
        var cfg = machine.Config;
        Devices = new PciDevice[cfg.Devices.Count];
        for (int i = 0; i < Devices.Length; i++) Devices[i] = new PciDevice(i, cfg.Devices[i], Epoch);
        Irte = cfg.Remapping is { } r ? new IrteTable(r.Entries, Epoch) : null;
        MsiChip = new X86MsiChip(machine, this);
        RemappedChip = new RemappedMsiChip(machine, this);
    }

    /// <summary>Bumped by every change of a device, its capabilities and tables, its descriptors and
    /// the IRTE table (their setters and tracked collections), and by CopyFrom.</summary>
    internal ChangeEpoch Epoch { get; } = new();

    public PciDevice[] Devices { get; }
    /// <summary>The remapping table; null without an IOMMU.</summary>
    public IrteTable? Irte { get; }
    /// <summary>"PCI-MSI" over the x86 vector domain (non-remapped).</summary>
    public X86MsiChip MsiChip { get; }
    /// <summary>"IR-PCI-MSI" over the remapping domain.</summary>
    public RemappedMsiChip RemappedChip { get; }

    public void Boot() { }

    /// <summary>The device with index <paramref name="dev"/>, or null (an out-of-range argument).</summary>
    public PciDevice? Device(int dev) => dev >= 0 && dev < Devices.Length ? Devices[dev] : null;

    /// <summary>irq_get_msi_desc(): device, descriptor and vector offset of a PCI/MSI irq.</summary>
    public bool TryLookup(IrqDesc d, out PciDevice dev, out MsiDescriptor desc, out int k)
    {
        dev = null!; desc = null!; k = 0;
        if (d.Owner != IrqOwner.PciMsi || Device(d.OwnerIndex) is not { } pd) return false;
        if (pd.DescriptorOf(d.Irq) is not { } md) return false;
        dev = pd; desc = md; k = d.Irq - md.Irq;
        return true;
    }

    /// <summary>The device's pending vectors that can signal now are sent (the function does this as
    /// soon as a vector is unmasked; the drain catches MASKALL / enable transitions).</summary>
    public bool DrainOnce()
    {
        bool any = false;
        foreach (var dev in Devices)
        {
            if (!HasDeliverablePending(dev)) continue;
            any = true;
            m.Run($"{dev.Name}:pending", -1, DeliverPendingAll(dev));
        }
        return any;
    }

    private static bool HasDeliverablePending(PciDevice dev)
    {
        if (dev.Msi is { } c && c.Enable && (c.PendingReg & ~c.MaskReg) != 0) return true;
        if (dev.Msix is { } x)
            for (int i = 0; i < x.Size; i++)
                if (x.Pending[i] && x.CanSignal(i)) return true;
        return false;
    }

    private IEnumerable<Sched> DeliverPendingAll(PciDevice dev)
    {
        if (dev.Msi is { } c)
            for (int k = 0; k < 32; k++) DeliverPendingMsi(dev, k);
        if (dev.Msix is { } x)
            for (int i = 0; i < x.Size; i++) DeliverPendingMsix(dev, i);
        yield break;
    }

    /// <summary>Makes every device and the IRTE table equal to <paramref name="o"/>'s (same configuration).</summary>
    internal void CopyFrom(PciBus o)
    {
        if (o.Devices.Length != Devices.Length || (o.Irte is null) != (Irte is null) || (Irte is not null && Irte.Count != o.Irte!.Count))
            throw new ArgumentException("PCI configuration differs", nameof(o));
        Epoch.Bump();
        for (int i = 0; i < Devices.Length; i++) Devices[i].CopyFrom(o.Devices[i]);
        Irte?.Entries.CopyFrom(o.Irte!.Entries);
    }

    public void Hash(ref StateHasher h)
    {
        h.Add(Devices.Length);
        foreach (var d in Devices) d.Hash(ref h);
        Irte?.Hash(ref h);
    }

    public void Dump(TextWriter w)
    {
        foreach (var dev in Devices)
        {
            w.WriteLine($"{dev.Name}: mode {dev.Mode} irq {dev.Irq} intx {(dev.IntxDisabled ? "off" : "on")}{(dev.Remapped ? " remapped" : "")}");
            if (dev.Msi is { } c)
                w.WriteLine($"  MSI  ctrl 0x{c.Control:x4} mmc {c.Mmc} mme {c.Mme} msg {c.Message} mask 0x{c.MaskReg:x8} pending 0x{c.PendingReg:x8}");
            if (dev.Msix is { } x)
            {
                w.WriteLine($"  MSI-X ctrl 0x{x.Control:x4}");
                for (int i = 0; i < x.Size; i++)
                {
                    var e = x.Entries[i];
                    if (e.Message.IsZero && e.Masked && !x.Pending[i]) continue;
                    w.WriteLine($"    [{i}] msg {e.Message} {(e.Masked ? "masked" : "unmasked")}{(x.Pending[i] ? " pending" : "")}");
                }
            }
            foreach (var d in dev.Descriptors.Values) w.WriteLine($"  desc {d}");
            foreach (var d in dev.Leaked) w.WriteLine($"  leaked desc {d}");
            foreach (var d in dev.Reserved) w.WriteLine($"  reserved desc {d}");
        }
        Irte?.Dump(w);
    }
}
