using IrqVerify.Model.Core;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Tests.Xen;

/// <summary>Each invariant fires on a deliberately corrupted state — and only the expected ones.</summary>
public class XenInvariantTests
{
    private static (Machine M, int Port, int Irq, IrqInfo Info) Base(string abi = "fifo", bool lateeoi = false)
    {
        var m = XenKit.New(abi);
        var (p, irq) = m.Ready(lateeoi);
        Assert.Empty(m.Safety());
        return (m, p, irq, m.Info(irq));
    }

    private static void Fires(Machine m, params string[] ids) =>
        Assert.Equal(ids.OrderBy(s => s, StringComparer.Ordinal).ToArray(), m.Safety().Ids());

    [Fact]
    public void IX1_lost_mapping()
    {
        var (m, p, _, _) = Base();
        m.X().EvtchnToIrq.Clear(p);
        Fires(m, "I-X1");
    }

    [Fact]
    public void IX1_dropped_row()
    {
        var (m, _, _, _) = Base();
        m.X().EvtchnToIrq.DropRow(0);
        Fires(m, "I-X1");
    }

    [Fact]
    public void IX2_port_closed_before_its_mapping_was_removed()
    {
        var (m, p, _, _) = Base();
        m.X().Hv.Ports.Mutable(p).Reset();
        Fires(m, "I-X2");
    }

    [Fact]
    public void IX3_virq_table_entry_missing()
    {
        var m = XenKit.New();
        m.Run(1, o => m.X().BindVirqToIrq(XenVirq.Timer, 1, o));
        Assert.Empty(m.Safety());
        m.X().VirqToIrq[1][XenVirq.Timer] = -1;
        Fires(m, "I-X3");
    }

    [Fact]
    public void IX4_channel_count_off()
    {
        var (m, _, _, _) = Base();
        m.X().ChannelsOnCpu[0]++;
        Fires(m, "I-X4");
    }

    [Fact]
    public void IX5_port_in_two_cpu_masks()
    {
        var (m, p, _, _) = Base("2l");
        ((TwoLevelAbi)m.X().Abi).CpuEvtchnMask[1][p / 64] |= 1UL << (p % 64);
        Fires(m, "I-X5");
    }

    [Fact]
    public void IX6_refcount_zero_on_a_live_channel()
    {
        var (m, _, _, info) = Base();
        info.Refcnt = 0;
        Fires(m, "I-X6");
    }

    [Fact]
    public void IX7_port_masked_without_a_reason()
    {
        var (m, p, _, _) = Base();
        m.X().Abi.Mask(p);
        Fires(m, "I-X7");
    }

    [Fact]
    public void IX8_pending_unmask_without_a_redelivery_path()
    {
        var (m, _, _, info) = Base();
        info.LastUnmaskWasPending = true;
        info.LastUnmaskPaths = 0;
        Fires(m, "I-X8");
        info.LastUnmaskPaths = 2;
        Fires(m, "I-X8");
    }

    [Fact]
    public void IX9_two_cpus_in_the_claim_window()
    {
        var (m, _, _, info) = Base();
        info.ClaimCount = 2;
        Fires(m, "I-X9");
    }

    [Fact]
    public void IX10_lateeoi_claim_dropped_before_the_eoi()
    {
        var (m, p, irq, info) = Base(lateeoi: true);
        m.Send(p);
        m.Upcall(0);
        Assert.True(info.EoiCycleOpen);
        Assert.Empty(m.Safety());
        info.IsActive = false;
        Fires(m, "I-X10");
        info.IsActive = true;
        m.Irqs[irq]!.Invocations++;
        Fires(m, "I-X10");
    }

    [Fact]
    public void IX11_raised_event_never_handled()
    {
        var (m, _, irq, _) = Base();
        Assert.Empty(m.Eventual());
        m.Irqs[irq]!.AwaitingHandler = true;
        Assert.Equal(new[] { "I-X11" }, m.Eventual().Ids());
        Assert.Empty(m.Safety());
    }

    [Fact]
    public void IX12_loop_holds_released_info()
    {
        var (m, _, _, info) = Base();
        m.X().HeldInfo[0] = info;
        Assert.Empty(m.Safety());
        info.Released = true;
        Fires(m, "I-X12");
    }

    [Fact]
    public void IX13_handler_on_two_vcpus()
    {
        var (m, _, irq, _) = Base();
        m.Irqs[irq]!.HandlersRunning = 2;
        Fires(m, "I-G1", "I-X13");
    }

    [Fact]
    public void IX14_info_cpu_differs_from_notify_vcpu_and_temporary_mask_left()
    {
        var (m, p, _, info) = Base();
        m.X().Hv.Ports.Mutable(p).NotifyVcpu = 1;
        Fires(m, "I-X14");
        m.X().Hv.Ports.Mutable(p).NotifyVcpu = 0;
        info.MaskReason = MaskReason.Temporary;
        m.X().Abi.Mask(p);
        Fires(m, "I-X14");
    }

    [Fact]
    public void IX15_unstarted_channel_unmasked()
    {
        var m = XenKit.New("fifo");
        int irq = m.Bind(m.AllocPort());
        var info = m.Info(irq);
        Assert.Empty(m.Safety());
        info.MaskReason = MaskReason.None;
        ((FifoAbi)m.X().Abi).Words[info.Evtchn] &= ~FifoAbi.MaskedBit;
        Fires(m, "I-X15");
    }

    [Fact]
    public void IX16_back_off_bounds()
    {
        var (m, _, _, info) = Base(lateeoi: true);
        info.SpuriousCnt = XenEvents.SpuriousCntMax + 1;
        Fires(m, "I-X16");
        info.SpuriousCnt = 3;
        info.LastEoiKind = 2;
        Fires(m, "I-X16");
        info.LastEoiKind = 1;
        info.EoiTime = XenEvents.Hz + 1;
        info.EoiTimeSetAt = 0;
        Fires(m, "I-X16");
    }

    [Fact]
    public void Catalogue_lists_IX1_to_IX16_in_order()
    {
        Assert.Equal(Enumerable.Range(1, 16).Select(i => $"I-X{i}"), XenInvariants.All.Select(c => c.Id).Where(id => id.StartsWith("I-X")));
        Assert.Equal(new[] { "I-X11", "I-L2", "I-L3", "I-L4" }, XenInvariants.All.Where(c => c.Kind == Invariants.InvariantKind.Eventual).Select(c => c.Id));
    }
}
