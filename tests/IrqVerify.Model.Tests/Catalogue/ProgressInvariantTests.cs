using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Tests.Programs;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Tests.Catalogue;

/// <summary>The progress (liveness) invariants I-L1..I-L4, checked at quiescence after the drain:
/// each holds on a clean run and fails on a state corrupted the way a stuck kernel path would leave it.</summary>
public class ProgressInvariantTests
{
    private static List<Violation> Check(string id, Machine m) => InvariantCatalog.ById(id).Run(m);

    private const string Move = "irq = vector_alloc({0}, none)\nrequest_irq(irq)\nirq_set_affinity(irq, {1})\napic_raise(irq)\n";

    [Fact]
    public void I_L1_a_move_whose_new_vector_took_an_interrupt_completes()
    {
        var (m, r) = ProgramKit.Run(Move);
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        var a = m.Vector.ApicTable[24]!;
        Assert.Equal((1, false, 0), (a.Cpu, a.MoveInProgress, a.PrevVector));
        Assert.Empty(Check("I-L1", m));

        // What a kernel whose irq_complete_move never ran would leave: still moving after the hit.
        a.MoveInProgress = true; a.NewVectorHit = true; a.PrevCpu = 0; a.PrevVector = 0x20;
        Assert.Equal(["irq 24: move to CPU1 vector 0x20 never completed although the new vector took an interrupt (old vector 0x20 on CPU0 never freed)"],
            Check("I-L1", m).Select(v => v.Message));
    }

    [Fact]
    public void I_L1_a_move_not_yet_seen_on_its_new_vector_is_not_a_progress_failure()
    {
        var (m, r) = ProgramKit.Run("irq = vector_alloc({0}, none)\nrequest_irq(irq)\nirq_set_affinity(irq, {1})\n");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        var a = m.Vector.ApicTable[24]!;
        Assert.True(a.MoveInProgress);   // no interrupt yet: the kernel waits, and so may the model
        Assert.False(a.NewVectorHit);
        Assert.Empty(Check("I-L1", m));
    }

    private static MachineConfig Xen(string abi)
    {
        var cfg = MachineConfig.Default();
        cfg.Xen = new XenConfig { Vcpus = 2, Abi = abi };
        return cfg;
    }

    private const string LateEoi = "p = evtchn_alloc_unbound()\nirq = bind_evtchn_to_irq_lateeoi(p)\nrequest_irq(irq)\nxen_send(p)\n";

    [Theory]
    [InlineData("2l")]
    [InlineData("fifo")]
    public void I_L2_and_I_L3_a_late_eoi_happens_and_unmasks_the_port(string abi)
    {
        var (m, r) = ProgramKit.Run(LateEoi, Xen(abi));
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        var info = m.Xen!.InfoForIrq(m.Xen.EvtchnToIrq.Mappings().Single().Irq)!;
        Assert.Equal((MaskReason.None, false), (info.MaskReason, info.OnEoiList));
        Assert.Empty(Check("I-L2", m));
        Assert.Empty(Check("I-L3", m));

        info.MaskReason |= MaskReason.EoiPending;   // the EOI never came
        Assert.Equal([$"irq {info.Irq} (port {info.Evtchn}): still masked for its late EOI after a drain"], Check("I-L3", m).Select(v => v.Message));
        info.OnEoiList = true; info.EoiCpu = 1; info.EoiTime = 7;   // the worker never ran
        Assert.Equal([$"irq {info.Irq} (port {info.Evtchn}): late EOI still queued on vcpu1 (due tick 7) after a drain"], Check("I-L2", m).Select(v => v.Message));
    }

    [Theory]
    [InlineData("2l")]
    [InlineData("fifo")]
    public void I_L4_a_pending_unmasked_port_is_delivered(string abi)
    {
        var (m, r) = ProgramKit.Run(LateEoi, Xen(abi));
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        var (port, irq) = m.Xen!.EvtchnToIrq.Mappings().Single();
        Assert.False(m.Xen.Abi.IsPending(port));
        Assert.Empty(Check("I-L4", m));

        // Xen marks the port pending but no upcall ever consumes it.
        m.Xen.Abi.XenSetPending(port, 0);
        Assert.Equal([$"port {port} (irq {irq}): pending and unmasked for online vcpu0 after a drain (never delivered)"], Check("I-L4", m).Select(v => v.Message));
    }
}
