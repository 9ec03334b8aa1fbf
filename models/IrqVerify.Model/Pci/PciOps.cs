using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Model.Pci;

/// <summary>Program operations of PCI MSI/MSI-X: the driver API, the device (environment) and fault injection.</summary>
public static class PciOps
{
    private static readonly string[] FlagWords = ["msix", "msi", "intx", "affinity"];

    public static void Register(OpCatalog c)
    {
        c.Add(new OpSpec("pci_alloc_irq_vectors",
            [ParamSpec.Device(), ParamSpec.Int("min"), ParamSpec.Int("max"), ParamSpec.Flags("flags", FlagWords)], ResultKind.Int, -1,
            (m, a, r) => m.Pci.AllocIrqVectors(a.Int(0), a.Int(1), a.Int(2), (PciBus.IrqFlags)a[3], r),
            "pci_alloc_irq_vectors(dev, min, max, msix|msi|intx|affinity): MSI-X, then MSI, then INTx; returns the vector count"));
        c.Add(new OpSpec("pci_enable_msi", [ParamSpec.Device()], ResultKind.None, -1,
            (m, a, r) => m.Pci.EnableMsi(a.Int(0), r),
            "pci_enable_msi(dev): one MSI vector"));
        c.Add(new OpSpec("pci_irq_vector", [ParamSpec.Device(), ParamSpec.Int("nr")], ResultKind.Irq, -1,
            (m, a, r) => IrqVector(m, a.Int(0), a.Int(1), r),
            "pci_irq_vector(dev, nr): the Linux irq of vector nr"));
        c.Add(new OpSpec("pci_disable_msi", [ParamSpec.Device()], ResultKind.None, -1,
            (m, a, r) => Dev(m, a.Int(0), r) is { } d ? m.Pci.DisableMsi(d, r) : [],
            "pci_disable_msi(dev): back to INTx, MSI vectors unmasked, irqs freed"));
        c.Add(new OpSpec("pci_disable_msix", [ParamSpec.Device()], ResultKind.None, -1,
            (m, a, r) => Dev(m, a.Int(0), r) is { } d ? m.Pci.DisableMsix(d, r) : [],
            "pci_disable_msix(dev): entries masked, back to INTx, irqs freed"));
        c.Add(new OpSpec("pci_free_irq_vectors", [ParamSpec.Device()], ResultKind.None, -1,
            (m, a, r) => m.Pci.FreeIrqVectors(a.Int(0), r),
            "pci_free_irq_vectors(dev): pci_disable_msix + pci_disable_msi"));
        c.Add(new OpSpec("pci_msix_alloc_irq_at", [ParamSpec.Device(), ParamSpec.Int("index")], ResultKind.Irq, -1,
            (m, a, r) => Dev(m, a.Int(0), r) is { } d ? m.Pci.AllocIrqAt(d, a.Int(1), r) : [],
            "pci_msix_alloc_irq_at(dev, index | -1 for MSI_ANY_INDEX): dynamic MSI-X vector; returns its irq"));
        c.Add(new OpSpec("pci_msix_free_irq", [ParamSpec.Device(), ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => Dev(m, a.Int(0), r) is { } d ? m.Pci.FreeIrqAt(d, a.Int(1), r) : [],
            "pci_msix_free_irq(dev, irq): free one dynamic MSI-X vector; MSI-X stays enabled"));
        c.Add(new OpSpec("pci_msi_mask_irq", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => m.Pci.MaskIrqOp(a.Int(0), true, r),
            "pci_msi_mask_irq(irq): set the vector's mask bit at the device"));
        c.Add(new OpSpec("pci_msi_unmask_irq", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => m.Pci.MaskIrqOp(a.Int(0), false, r),
            "pci_msi_unmask_irq(irq): clear the vector's mask bit (a pending vector is sent)"));
        c.Add(new OpSpec("device_raise", [ParamSpec.Device(), ParamSpec.Int("k")], ResultKind.None, -1,
            (m, a, r) => m.Pci.Raise(a.Int(0), a.Int(1), r),
            "device_raise(dev, k): the function signals MSI vector / MSI-X entry k with its current message")
        { IsEnvironment = true });
        c.Add(new OpSpec("fail_next_irq_alloc", [ParamSpec.Device()], ResultKind.None, -1,
            (m, a, r) => FailNext(m, a.Int(0), r),
            "fail_next_irq_alloc(dev): fault injection, the device's next domain irq allocation fails")
        { IsEnvironment = true });
    }

    private static PciDevice? Dev(Machine m, int dev, OpResult r)
    {
        var d = m.Pci.Device(dev);
        if (d is null) r.Fail(Errno.EINVAL);
        return d;
    }

    private static IEnumerable<Sched> IrqVector(Machine m, int dev, int nr, OpResult r)
    {
        int irq = m.Pci.IrqVector(dev, nr);
        if (irq < 0) r.Fail((Errno)(-irq)); else r.Set(irq);
        yield break;
    }

    private static IEnumerable<Sched> FailNext(Machine m, int dev, OpResult r)
    {
        if (m.Pci.Device(dev) is null) { r.Fail(Errno.EINVAL); yield break; }
        m.Pci.FailNextIrqAlloc(dev);
        r.Set(0);
    }
}
