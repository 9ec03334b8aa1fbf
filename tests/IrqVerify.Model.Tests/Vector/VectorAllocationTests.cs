using IrqVerify.Designs.ContiguousMultiMsi;
using IrqVerify.Model.Core;
using IrqVerify.Model.Vector;
using static IrqVerify.Model.Tests.Vector.VectorTestKit;

namespace IrqVerify.Model.Tests.Vector;

public class VectorAllocationTests
{
    [Fact]
    public void Boot_assigns_system_vectors_and_onlines_every_cpu()
    {
        var m = NewMachine();
        Assert.Equal(CpuMask.FirstN(4), m.Vector.OnlineMask);
        // [0x20, 0xeb) = 203 slots minus the system vectors 0x32 and 0x80.
        Assert.Equal(201, m.Matrix.Map(0).Available);
        Assert.Equal(4 * 201, m.Matrix.GlobalAvailable);
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    [Fact]
    public void Reservation_mode_reserves_at_alloc_and_activation_consumes_it()
    {
        var m = NewMachine();
        int irq = Alloc(m, CpuMask.Empty);
        var a = m.Vector.Apic(irq)!;
        Assert.Equal(1, m.Matrix.GlobalReserved);
        Assert.True(a.HasReserved && a.CanReserve);
        Assert.Equal(0, a.Vector);
        Assert.Equal((0, VectorDomain.ManagedIrqShutdownVector), m.Vector.Target(irq));

        Assert.Equal(Errno.Ok, Request(m, irq));
        Assert.Equal(0, m.Matrix.GlobalReserved);
        Assert.False(a.HasReserved);
        Assert.Equal((0, 0x20), (a.Cpu, a.Vector));
        Assert.Equal((0, 0x20), m.Vector.Target(irq));
        Assert.Equal(irq, m.Vector.VectorIrq(0, 0x20));
        Assert.Equal(Array.Empty<string>(), Fired(m));

        // free_irq deactivates: vector released (entry SHUTDOWN), reservation taken again.
        Assert.Equal(Errno.Ok, FreeIrq(m, irq));
        Assert.Equal(1, m.Matrix.GlobalReserved);
        Assert.True(a.HasReserved);
        Assert.Equal(VectorDomain.VectorShutdown, m.Vector.VectorIrq(0, 0x20));
        Assert.False(m.Matrix.Map(0).AllocMap.Test(0x20));
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    [Fact]
    public void Managed_alloc_reserves_on_every_cpu_of_the_mask_online_or_not()
    {
        var m = NewMachine();
        Assert.Equal(Errno.Ok, Offline(m, 3));
        int irq = Alloc(m, CpuMask.Of(1, 3), managed: true);
        Assert.Equal(0, m.Matrix.Map(0).Managed);
        Assert.Equal(1, m.Matrix.Map(1).Managed);
        Assert.Equal(0, m.Matrix.Map(2).Managed);
        Assert.Equal(1, m.Matrix.Map(3).Managed);
        Assert.Equal(0, m.Vector.Apic(irq)!.Vector);
        Assert.Equal(0, m.Matrix.GlobalReserved);

        Assert.Equal(Errno.Ok, Request(m, irq));
        var a = m.Vector.Apic(irq)!;
        Assert.Equal((1, 0x20), (a.Cpu, a.Vector));
        Assert.True(m.Matrix.Map(1).ManagedMap.Test(0x20));
        Assert.Equal(1, m.Matrix.Map(1).ManagedAllocated);
        Assert.Equal(Array.Empty<string>(), Fired(m));

        Assert.Equal(Errno.Ok, FreeIrq(m, irq));
        Assert.Equal(Errno.Ok, Run(m, "vector_free", 0, r => OpsFree(m, irq, r)).Error);
        Assert.Equal(0, m.Matrix.Map(1).Managed);
        Assert.Equal(0, m.Matrix.Map(3).Managed);
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    [Fact]
    public void Alloc_with_mask_assigns_a_fixed_vector_first_fit_on_the_best_cpu()
    {
        var m = NewMachine();
        int a = Alloc(m, CpuMask.Of(2));
        int b = Alloc(m, CpuMask.Of(2));
        int c = Alloc(m, CpuMask.Of(1, 2));
        Assert.Equal((2, 0x20), (m.Vector.Apic(a)!.Cpu, m.Vector.Apic(a)!.Vector));
        Assert.Equal((2, 0x21), (m.Vector.Apic(b)!.Cpu, m.Vector.Apic(b)!.Vector));
        // CPU1 has more available slots than CPU2.
        Assert.Equal((1, 0x20), (m.Vector.Apic(c)!.Cpu, m.Vector.Apic(c)!.Vector));
        Assert.Equal(CpuMask.Of(2), m.Irqs[a]!.EffectiveAffinity);
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    [Fact]
    public void Freeing_every_irq_returns_the_matrix_to_the_boot_baseline()
    {
        var m = NewMachine();
        int a = Alloc(m, CpuMask.Empty);
        int b = Alloc(m, CpuMask.Of(1, 2), managed: true);
        int c = Alloc(m, CpuMask.Of(3));
        Request(m, a); Request(m, b);
        Assert.Equal(Errno.Ok, SetAffinity(m, c, CpuMask.Of(0)));
        FreeIrq(m, a); FreeIrq(m, b);
        foreach (int irq in new[] { a, b, c })
            Assert.Equal(Errno.Ok, Run(m, "vector_free", 0, r => OpsFree(m, irq, r)).Error);
        for (int cpu = 0; cpu < 4; cpu++)
        {
            Assert.True(m.Matrix.Map(cpu).AllocMap.IsEmpty);
            Assert.Equal(201, m.Matrix.Map(cpu).Available);
        }
        Assert.Equal(0, m.Matrix.GlobalReserved);
        Assert.Equal(Array.Empty<string>(), Fired(m));
    }

    [Fact]
    public void Vector_free_with_a_handler_is_misuse()
    {
        var m = NewMachine();
        int a = Alloc(m, CpuMask.Of(0));
        Request(m, a);
        Assert.Equal(Errno.EBUSY, Run(m, "vector_free", 0, r => OpsFree(m, a, r)).Error);
        Assert.Contains(m.Diagnostics.Items, d => d.Severity == Severity.Misuse && d.Rule == "vector_free");
        Assert.NotNull(m.Vector.Apic(a));
    }

    [Fact]
    public void Contiguous_design_gives_an_aligned_block_on_one_cpu_and_moves_it_whole()
    {
        var cfg = new MachineConfig { Cpus = 4, Xen = null, Remapping = null };
        var m = new Machine(cfg, new Variants { Design = new ContiguousMultiMsiDesign() });
        int pad = Alloc(m, CpuMask.Of(0)); // CPU0 0x20: the aligned block of 4 starts at 0x24
        int first = m.Irqs.AllocRange(4, Irq.IrqOwner.Legacy, 0);
        for (int i = 0; i < 4; i++)
        {
            var d = m.Irqs[first + i]!;
            d.Chip = m.Vector.Chip;
            d.Affinity = CpuMask.Of(0);
        }
        Assert.Equal(Errno.Ok, m.Vector.AllocIrqs(first, 4, new VectorAllocInfo(CpuMask.Of(0), true)));
        for (int i = 0; i < 4; i++)
            Assert.Equal((0, 0x24 + i), (m.Vector.Apic(first + i)!.Cpu, m.Vector.Apic(first + i)!.Vector));
        m.Irq.Activate(m.Irqs[first]!, false);
        Assert.Equal(Errno.Ok, m.Vector.SetAffinity(m.Irqs[first]!, CpuMask.Of(1), false));
        for (int i = 0; i < 4; i++)
        {
            var a = m.Vector.Apic(first + i)!;
            Assert.Equal((1, 0x20 + i), (a.Cpu, a.Vector));
            Assert.Equal((0, 0x24 + i), (a.PrevCpu, a.PrevVector));
        }
        m.Irqs[first]!.Affinity = CpuMask.Of(1); // what the generic layer does after success
        Assert.Equal(Array.Empty<string>(), FiredSafety(m));
        _ = pad;
    }

    internal static IEnumerable<Sched> OpsFree(Machine m, int irq, OpResult r)
    {
        Assert.True(Program.OpCatalog.Default.TryGet("vector_free", out var op));
        return op.Body(m, new Program.OpArgs([irq]), r);
    }
}
