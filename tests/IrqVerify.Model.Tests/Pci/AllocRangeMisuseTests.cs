using IrqVerify.Model.Core;
using static IrqVerify.Model.Tests.Pci.PciKit;

namespace IrqVerify.Model.Tests.Pci;

/// <summary>pci_alloc_irq_vectors with max &lt; min (found by the property suite as a REFINE failure).</summary>
public class AllocRangeMisuseTests
{
    [Fact]
    public void Max_below_min_is_I_P11_misuse_and_the_INTx_fallback_still_returns_one()
    {
        var m = Make(MsixDev("d", 4, remapped: false));
        Assert.Equal(1, Alloc(m, 0, 1, 0, Intx));
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-P11");
    }

    [Fact]
    public void MSI_X_with_max_below_min_fails_with_ERANGE_and_reports_misuse()
    {
        var m = Make(MsixDev("d", 4, remapped: false));
        Assert.Equal(-(long)Errno.ERANGE, Alloc(m, 0, 2, 1, Msix));
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-P11");
    }

    [Fact]
    public void A_proper_range_is_no_misuse()
    {
        var m = Make(MsixDev("d", 4, remapped: false));
        Assert.Equal(4, Alloc(m, 0, 1, 4, Msix));
        Assert.DoesNotContain(m.Diagnostics.Items, d => d.Severity == Severity.Misuse);
    }
}

/// <summary>pci_alloc_irq_vectors while MSI is on (found by the property suite as a REFINE failure).</summary>
public class AllocWhileEnabledMisuseTests
{
    [Fact]
    public void Allocating_again_while_MSI_is_enabled_is_I_P1_misuse_and_INTx_still_answers_one()
    {
        var m = Make(MsiDev("d", mmc: 0, maskBit: false, remapped: false));
        Assert.Equal(1, Alloc(m, 0, 1, 1, Msi));
        Assert.DoesNotContain(m.Diagnostics.Items, d => d.Severity == Severity.Misuse);
        Assert.Equal(1, Alloc(m, 0, 1, 1, Intx));
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-P1");
        Assert.True(m.Pci.Devices[0].MsiEnabled);
    }

    /// <summary>Found by the seed-001 property hunt on the reference model: msi then intx on a device
    /// without a pin irq — the fallback's 1 comes from dev->irq (the MSI irq), so I-P11 fires; it is
    /// the caller's double allocation, reported as I-P11 misuse too so engines excuse it.</summary>
    [Fact]
    public void INTx_fallback_while_MSI_is_enabled_without_a_pin_irq_is_I_P11_misuse()
    {
        var m = Make(MsiDev("d", mmc: 0, maskBit: false, remapped: false, pin: 0));
        Assert.Equal(0, m.Pci.Devices[0].PinIrq);
        Assert.Equal(1, Alloc(m, 0, 1, 1, Msi));
        Assert.Equal(1, Alloc(m, 0, 1, 1, Intx));
        var v = new List<Violation>();
        IrqVerify.Model.Pci.PciInvariants.IP11(m, v);
        Assert.Contains(v, x => x.Id == "I-P11");
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-P11");
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-P1");
    }
}
