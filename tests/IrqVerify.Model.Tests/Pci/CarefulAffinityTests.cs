using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Irq;
using static IrqVerify.Model.Tests.Pci.PciKit;

namespace IrqVerify.Model.Tests.Pci;

/// <summary>
/// msi_set_affinity for a non-remapped MSI whose destination AND vector change (§2.6, K4, K15, F6):
/// the device fires between the message writes. Upstream chooses the path by IRQD_CAN_RESERVE, which
/// only a maskable MSI has: careful for maskable, direct for non-maskable (known finding F6).
/// </summary>
public class CarefulAffinityTests
{
    private sealed record Setup(Machine M, IrqDesc Irq, IrqDesc Filler, (int cpu, int vector) Old, int To);

    /// <summary>A filler irq takes the lowest vector on CPU0 first, so moving our irq (on another CPU,
    /// same vector number) to CPU0 must change the vector too.</summary>
    private static Setup Build(Action<Variants>? v, bool maskable = true)
    {
        var m = Make(v, MsiDev("d", mmc: 0, maskBit: maskable, remapped: false), MsixDev("filler", 1, remapped: false));
        Assert.Equal(1, Alloc(m, 1, 1, 1, Msix));
        var filler = m.Irqs[m.Pci.IrqVector(1, 0)]!;
        Assert.Equal(Errno.Ok, Request(m, filler.Irq));
        Assert.Equal(Errno.Ok, Run(m, o => m.Pci.EnableMsi(0, o)).Error);
        var d = m.Irqs[m.Pci.IrqVector(0, 0)]!;
        Assert.Equal(Errno.Ok, Request(m, d.Irq));
        var old = m.Vector.Target(d.Irq);
        int to = m.Vector.Target(filler.Irq).cpu;
        Assert.NotEqual(to, old.cpu);
        Assert.Equal(maskable, d.CanReserve);
        AssertClean(m);
        return new Setup(m, d, filler, old, to);
    }

    private static ModelThread Mover(Setup s) =>
        new(1, "set_affinity", s.Old.cpu, s.Irq.Chip!.SetAffinity(s.Irq, CpuMask.Of(s.To), false, new OpResult()));

    [Fact]
    public void Careful_path_never_loses_an_interrupt_raised_between_the_writes()
    {
        var s = Build(null);
        var m = s.M;
        var t = Mover(s);
        StepUntil(m, t, "msi_set_affinity.new_destination");
        var now = m.Vector.Target(s.Irq.Irq);
        Assert.NotEqual(s.Old.vector, now.vector);
        var msg = m.Pci.Devices[0].Msi!.Message;
        Assert.Equal((s.Old.cpu, now.vector), (msg.DestCpu, msg.Vector));
        Assert.Equal(Model.Vector.VectorDomain.VectorRetriggered, m.Vector.VectorIrq(s.Old.cpu, now.vector));
        AssertClean(m);

        Assert.Equal(Errno.Ok, Raise(m, 0, 0));
        Assert.True(m.Vector.IrrPending(s.Old.cpu, now.vector));
        StepUntil(m, t, "msi_set_affinity.unlock_vector_lock");
        AssertClean(m);
        Finish(m, t);
        Assert.True(m.Locks.IsFree(LockRef.VectorLock));
        Drain(m);
        Assert.Equal(1, s.Irq.Invocations);
        Assert.Equal(0, s.Filler.Invocations);
        AssertClean(m);
        Assert.Empty(Fired(m, InvariantKind.Eventual));
    }

    [Fact]
    public void Careful_path_device_firing_at_the_final_message_is_delivered_directly()
    {
        var s = Build(null);
        var t = Mover(s);
        StepUntil(s.M, t, "msi_set_affinity.unlock_vector_lock");
        Assert.Equal(Errno.Ok, Raise(s.M, 0, 0));
        Finish(s.M, t);
        Drain(s.M);
        Assert.Equal(1, s.Irq.Invocations);
        Assert.Empty(Fired(s.M, InvariantKind.Eventual));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(15)]
    public void Direct_write_of_K4_and_K15_loses_the_interrupt_of_a_torn_message(int bug) =>
        AssertTornWriteLosesTheInterrupt(Build(v => v[bug] = true), known: false);

    /// <summary>F6: the reference writes a non-maskable MSI directly, as upstream does.</summary>
    [Fact]
    public void Reference_writes_a_non_maskable_msi_directly_and_labels_the_loss_known_F6() =>
        AssertTornWriteLosesTheInterrupt(Build(null, maskable: false), known: true);

    private static void AssertTornWriteLosesTheInterrupt(Setup s, bool known)
    {
        var m = s.M;
        var t = Mover(s);
        StepUntil(m, t, "pci_write_msg_msi.address_hi");
        var msg = m.Pci.Devices[0].Msi!.Message;
        Assert.Equal((s.To, s.Old.vector), (msg.DestCpu, msg.Vector));
        AssertFired(m, "I-V8");
        var judge = new Model.Verdict.Judge();
        var v8 = InvariantCatalog.All.Single(c => c.Id == "I-V8").Run(m).Single();
        Assert.Equal(known ? "KNOWN F6" : "VIOLATION", judge.Classify(m, v8).Label);
        Assert.Equal(known, m.Diagnostics.Items.Any(x => x.Rule == "msi_set_affinity"
            && x.Message == Model.Verdict.Judge.TornMessageText(s.Irq.Irq, "d", s.To, s.Old.vector)));

        Assert.Equal(Errno.Ok, Raise(m, 0, 0));
        Finish(m, t);
        AssertClean(m);
        Drain(m);
        Assert.Equal(0, s.Irq.Invocations);
        // the torn pair (new CPU, old vector) hit the filler's vector
        Assert.Equal(1, s.Filler.Invocations);
        Assert.Contains("I-G2", Fired(m, InvariantKind.Eventual));
    }

    [Fact]
    public void Careful_path_off_the_target_CPU_warns_and_writes_directly()
    {
        var s = Build(null);
        int other = (s.Old.cpu + 2) % 4 == s.To ? (s.Old.cpu + 3) % 4 : (s.Old.cpu + 2) % 4;
        var t = new ModelThread(1, "elsewhere", other, s.Irq.Chip!.SetAffinity(s.Irq, CpuMask.Of(s.To), false, new OpResult()));
        Finish(s.M, t);
        Assert.Contains(s.M.Diagnostics.Items, d => d.Severity == Severity.Warn && d.Rule == "msi_set_affinity");
        AssertClean(s.M);
    }

    [Fact]
    public void Deferred_move_through_irq_set_affinity_completes_at_the_next_interrupt()
    {
        var s = Build(null);
        var m = s.M;
        Assert.Equal(Errno.Ok, Run(m, o => m.Irq.SetAffinity(s.Irq.Irq, CpuMask.Of(s.To), o)).Error);
        Assert.True(s.Irq.MovePending);
        Assert.Equal(s.Old, m.Vector.Target(s.Irq.Irq));
        Assert.Equal(Errno.Ok, Raise(m, 0, 0));
        Drain(m);
        Assert.Equal(1, s.Irq.Invocations);
        Assert.Equal(s.To, m.Vector.Target(s.Irq.Irq).cpu);
        Assert.Equal(Errno.Ok, Raise(m, 0, 0));
        Drain(m);
        Assert.Equal(2, s.Irq.Invocations);
        AssertClean(m);
        Assert.Empty(Fired(m, InvariantKind.Eventual));
    }
}
