using IrqVerify.Designs.ContiguousMultiMsi;
using IrqVerify.Model.Core;
using static IrqVerify.Model.Tests.Pci.PciKit;

namespace IrqVerify.Model.Tests.Pci;

/// <summary>Seed 001: multi-MSI without an IOMMU through an aligned block of vectors on one CPU.</summary>
public class ContiguousMultiMsiTests
{
    [Fact]
    public void Four_vector_MSI_without_remapping_gets_four_aligned_vectors_on_one_CPU()
    {
        var m = Make(v => v.Design = new ContiguousMultiMsiDesign(), MsiDev("d", mmc: 2, maskBit: false, remapped: false));
        Assert.Equal(4, Alloc(m, 0, 1, 4, Msi));
        var d = m.Pci.Devices[0].MsiDesc!;
        Assert.Equal(2, d.Multiple);
        var (cpu, baseVec) = m.Vector.Target(d.Irq);
        Assert.Equal(0, baseVec % 4);
        for (int k = 0; k < 4; k++)
            Assert.Equal((cpu, baseVec + k), m.Vector.Target(d.Irq + k));
        Assert.Equal(baseVec, m.Pci.Devices[0].Msi!.Message.Vector);
        AssertClean(m);

        // vector k = data with its low bits k = base + k, handled by irq desc->irq + k
        Assert.Equal(Errno.Ok, Request(m, d.Irq + 3));
        Assert.Equal(Errno.Ok, Raise(m, 0, 3));
        Drain(m);
        Assert.Equal(1, m.Irqs[d.Irq + 3]!.Invocations);
        Assert.Equal(Errno.Ok, FreeIrq(m, d.Irq + 3));
        FreeVectors(m, 0);
        AssertClean(m);
    }

    [Fact]
    public void Without_the_variant_the_same_request_degrades_to_one_vector()
    {
        var m = Make(MsiDev("d", mmc: 2, maskBit: false, remapped: false));
        Assert.Equal(1, Alloc(m, 0, 1, 4, Msi));
        AssertClean(m);
    }
}
