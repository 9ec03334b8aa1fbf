using IrqVerify.Model.Core;

namespace IrqVerify.Model.Pci;

/// <summary>PCI devices with MSI/MSI-X — placeholder shell; the PCI subsystem fills it in.</summary>
public sealed class PciBus(Machine m)
{
    private readonly Machine _m = m;

    public void Boot() { _ = _m; }

    public bool DrainOnce() => false;

    public void Hash(ref StateHasher h) { h.Add(0); }

    public void Dump(TextWriter w) { }
}
