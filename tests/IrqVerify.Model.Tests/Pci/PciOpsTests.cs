using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using static IrqVerify.Model.Tests.Pci.PciKit;

namespace IrqVerify.Model.Tests.Pci;

public class PciOpsTests
{
    [Fact]
    public void Vocabulary_runs_through_the_catalogue()
    {
        var c = OpCatalog.Default;
        foreach (var name in new[] { "pci_alloc_irq_vectors", "pci_enable_msi", "pci_irq_vector", "pci_disable_msi", "pci_disable_msix",
                     "pci_free_irq_vectors", "pci_msix_alloc_irq_at", "pci_msix_free_irq", "pci_msi_mask_irq", "pci_msi_unmask_irq",
                     "device_raise", "fail_next_irq_alloc" })
            Assert.True(c.TryGet(name, out _), name);
        Assert.True(c["device_raise"].IsEnvironment);

        var m = Make(MsixDev("x", 8, remapped: true));
        var r = new OpResult();
        // flags: msix (bit 0) | affinity (bit 3)
        m.Run("alloc", 0, c["pci_alloc_irq_vectors"].Body(m, new OpArgs([0, 1, 8, 0b1001]), r));
        Assert.Equal(4, r.Value);
        r = new OpResult();
        m.Run("vec", 0, c["pci_irq_vector"].Body(m, new OpArgs([0, 3]), r));
        Assert.Equal(m.Pci.IrqVector(0, 3), (int)r.Value);
        r = new OpResult();
        m.Run("at", 0, c["pci_msix_alloc_irq_at"].Body(m, new OpArgs([0, -1]), r));
        Assert.True(r.Ok);
        r = new OpResult();
        m.Run("bad", 0, c["pci_disable_msix"].Body(m, new OpArgs([7]), r));
        Assert.Equal(Errno.EINVAL, r.Error);
        r = new OpResult();
        m.Run("raise", -1, c["device_raise"].Body(m, new OpArgs([0, 0]), r));
        Assert.True(r.Ok);
        Assert.True(m.Pci.Devices[0].Msix!.Pending[0]);
        Assert.Contains("MSI-X ctrl", m.DumpText());
        AssertClean(m);
    }
}
