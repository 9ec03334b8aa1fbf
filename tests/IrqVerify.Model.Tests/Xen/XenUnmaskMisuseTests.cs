using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Model.Tests.Xen;

/// <summary>xen_unmask of an irq nobody started is caller misuse (found by the property suite).</summary>
public class XenUnmaskMisuseTests
{
    [Fact]
    public void Unmasking_an_unstarted_irq_reports_I_X15_misuse_and_still_unmasks()
    {
        var m = XenKit.New();
        int irq = m.Bind(m.AllocPort());
        Assert.True(OpCatalog.Default.TryGet("xen_unmask", out var op));
        var r = new OpResult();
        m.Run("unmask", 0, op.Body(m, new OpArgs([irq]), r));
        Assert.True(r.Ok);
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "I-X15");
        Assert.Equal(Model.Xen.MaskReason.None, m.Xen!.InfoForIrq(irq)!.MaskReason);
    }

    [Fact]
    public void Unmasking_a_started_irq_is_no_misuse()
    {
        var m = XenKit.New();
        int irq = m.Bind(m.AllocPort());
        m.Request(irq);
        Assert.True(OpCatalog.Default.TryGet("xen_unmask", out var op));
        m.Run("unmask", 0, op.Body(m, new OpArgs([irq]), new OpResult()));
        Assert.DoesNotContain(m.Diagnostics.Items, d => d.Severity == Severity.Misuse);
    }
}
