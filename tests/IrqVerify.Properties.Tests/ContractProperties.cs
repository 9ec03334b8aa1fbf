using System.Text;
using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Irq;
using IrqVerify.Model.Program;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>
/// The seeds' contracts (issue 3 item 5), checked from raw state by independent oracles rather
/// than through the invariant catalogue: teardown returns the vector matrix and the remapping
/// table to the boot baseline, enabling again yields the full count, a failed enable leaves no
/// trace, multi-MSI blocks are power-of-two, contiguous, naturally aligned and owned by one
/// device, and CPU offline/online never leaks a vector.
/// </summary>
[SuiteProperties(Arbitrary = [typeof(PciScenarios)], MaxTest = 100, EndSize = 30)]
public class ContractProperties
{
    [SuiteProperty]
    public void Teardown_returns_the_vector_matrix_and_remapping_table_to_baseline(Scenario s) => Counterexample.Check(s, _ =>
    {
        var st = RunAndTearDown(s);
        var fresh = s.Boot();
        Assert.Equal(MatrixSignature(fresh), MatrixSignature(st.Machine));
        if (st.Machine.Pci.Irte is { } irte)
            Assert.DoesNotContain(irte.Entries, e => e.Allocated);
        Assert.Equal(0, st.Machine.Irqs.AllocatedCount(IrqOwner.PciMsi));
    });

    [SuiteProperty]
    public void Enabling_again_after_teardown_yields_the_full_count(Scenario s) => Counterexample.Check(s, _ =>
    {
        var st = RunAndTearDown(s);
        var fresh = new ProgramStepper(s.Boot());
        for (int d = 0; d < s.Machine.Devices.Count; d++)
        {
            const long flags = (long)(Model.Pci.PciBus.IrqFlags.Msix | Model.Pci.PciBus.IrqFlags.Msi);
            var want = fresh.Call("pci_alloc_irq_vectors", d, 1, 32, flags);
            var got = st.Call("pci_alloc_irq_vectors", d, 1, 32, flags);
            Assert.Equal(want.ToString(), got.ToString());
            fresh.Call("pci_free_irq_vectors", d);
            st.Call("pci_free_irq_vectors", d);
        }
    });

    [SuiteProperty]
    public void A_failed_enable_leaves_no_trace(Scenario s) => Counterexample.Check(s, _ =>
    {
        var st = new ProgramStepper(s.Boot());
        foreach (var line in s.Program.Calls)
        {
            bool enable = line.Op is "pci_alloc_irq_vectors" or "pci_enable_msi" or "pci_msix_alloc_irq_at";
            ulong before = enable ? Footprint(st.Machine) : 0;
            var (_, _, r) = st.Step(line);
            if (enable && !r.Ok && !st.Machine.Diagnostics.Items.Any(d => d.Severity == Severity.Misuse))
                Assert.True(before == Footprint(st.Machine), $"{line.Print()} failed with {r} but changed the vector/irq/IRTE state");
        }
        // and once more with an injected allocation failure on every idle device
        for (int d = 0; d < s.Machine.Devices.Count; d++)
        {
            if (st.Machine.Pci.Devices[d].Mode != Model.Pci.DeviceMode.Intx) continue;
            st.Call("fail_next_irq_alloc", d);
            ulong before = Footprint(st.Machine);
            var r = st.Call("pci_alloc_irq_vectors", d, 1, 8, (long)(Model.Pci.PciBus.IrqFlags.Msix | Model.Pci.PciBus.IrqFlags.Msi));
            if (!r.Ok) Assert.True(before == Footprint(st.Machine), $"injected failure on dev{d}: {r} left a trace");
        }
    });

    [SuiteProperty]
    public void Multi_MSI_blocks_are_power_of_two_contiguous_aligned_and_owned_by_one_device(Scenario s) => Counterexample.Check(s, _ =>
    {
        var st = new ProgramStepper(s.Boot());
        st.RunAll(s.Program, (line, _, _, _) => CheckBlocks(st.Machine, line.Print()));
    });

    [SuiteProperty]
    public void CPU_offline_and_online_never_leak_a_vector(Scenario s) => Counterexample.Check(s, _ =>
    {
        var st = new ProgramStepper(s.Boot());
        st.RunAll(s.Program);
        st.Machine.Drain();
        var m = st.Machine;
        foreach (int c in m.Vector.OnlineMask)
        {
            if (m.Vector.OnlineMask.Count < 2) break;
            int before = m.Matrix.TotalAllocated;
            var off = st.Call("cpu_offline", c);
            if (!off.Ok) continue;
            Assert.True(st.Call("cpu_online", c).Ok);
            m.Drain();
            Assert.True(before == m.Matrix.TotalAllocated, $"CPU{c} offline/online: {before} vectors allocated before, {m.Matrix.TotalAllocated} after");
            var leaks = InvariantCatalog.ById("I-V3")!.Run(m);
            Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        }
    });

    // ------------------------------------------------------------------ helpers

    /// <summary>Runs the program, then frees every handler, disables every device, frees the bare
    /// vector irqs, brings every CPU back and drains.</summary>
    private static ProgramStepper RunAndTearDown(Scenario s)
    {
        var st = new ProgramStepper(s.Boot());
        st.RunAll(s.Program);
        var m = st.Machine;
        foreach (var dev in m.Pci.Devices) dev.FailNextAlloc = false; // an injected fault nobody consumed
        foreach (var d in m.Irqs.All.Where(d => d.Allocated && d.Action is not null).ToList()) st.Call("free_irq", d.Irq);
        for (int dev = 0; dev < s.Machine.Devices.Count; dev++) st.Call("pci_free_irq_vectors", dev);
        foreach (var d in m.Irqs.All.Where(d => d.Allocated && d.Owner == IrqOwner.Legacy && m.Vector.Apic(d.Irq) is not null).ToList())
            st.Call("vector_free", d.Irq);
        for (int c = 0; c < s.Machine.Cpus; c++)
            if (!m.Vector.OnlineMask.Contains(c)) st.Call("cpu_online", c);
        Assert.True(m.Drain());
        return st;
    }

    private static string MatrixSignature(Machine m)
    {
        var sb = new StringBuilder();
        var x = m.Matrix;
        // matrix.c skips the counters on an offline CPU (irq_matrix_free: total_allocated only "if
        // (cm->online)"; reserve/remove_managed: available likewise) and never recomputes them, a drift
        // Linux keeps for good: compare the counters net of it.
        int drift = Enumerable.Range(0, m.Config.Cpus).Where(c => x.Map(c).Online).Sum(c => x.Map(c).AvailableDrift);
        sb.Append($"global available {x.GlobalAvailable - drift}, allocated {x.TotalAllocated - x.OfflineFreeSkips}, reserved {x.Reserved()}\n");
        for (int c = 0; c < m.Config.Cpus; c++)
        {
            var cm = x.Map(c);
            sb.Append($"CPU{c} online {cm.Online} avl {cm.Available - cm.AvailableDrift} alloc {cm.Allocated} managed {cm.Managed}/{cm.ManagedAllocated} map {cm.AllocMap} mmap {cm.ManagedMap}\n");
        }
        return sb.ToString();
    }

    /// <summary>What a failed enable must not change (I-P12): the vector matrix, the irq
    /// descriptors, the IRTEs and the device's mode and descriptors. Not the vector_irq tables:
    /// clear_irq_vector leaves VECTOR_SHUTDOWN marks on purpose; nor the MSI control's MME field,
    /// which the kernel does not restore either.</summary>
    private static ulong Footprint(Machine m)
    {
        var h = new StateHasher();
        m.Matrix.Hash(ref h);
        m.Irqs.Hash(ref h);
        for (int irq = 0; irq < m.Irqs.Count; irq++) h.Add(m.Vector.Apic(irq) is not null);
        m.Pci.Irte?.Hash(ref h);
        foreach (var d in m.Pci.Devices) { h.Add(d.MsiEnabled); h.Add(d.MsixEnabled); h.Add(d.Descriptors.Count); }
        return h.Value;
    }

    private static void CheckBlocks(Machine m, string after)
    {
        foreach (var dev in m.Pci.Devices)
        {
            if (dev.MsiDesc is not { Associated: true } d || d.NvecUsed <= 1) continue;
            int size = 1 << d.Multiple;
            Assert.True(size >= d.NvecUsed, $"after {after}: {dev.Name} uses {d.NvecUsed} vectors with MME {d.Multiple}");
            for (int k = 0; k < d.NvecUsed; k++)
                Assert.True(m.Irqs[d.Irq + k] is { Owner: IrqOwner.PciMsi } irq && irq.OwnerIndex == dev.Index,
                    $"after {after}: irq {d.Irq + k} of {dev.Name}'s block is not the device's");
            if (dev.Remapped)
            {
                var irte = m.Pci.Irte!;
                Assert.True(d.IrteBase >= 0 && d.IrteBase % size == 0 && d.IrteCount == size,
                    $"after {after}: {dev.Name} IRTE block {d.IrteBase}+{d.IrteCount} is not a {size}-aligned block of {size}");
                for (int i = d.IrteBase; i < d.IrteBase + size; i++)
                    Assert.True(irte.Entries[i].Allocated && irte.Entries[i].Device == dev.Index, $"after {after}: IRTE {i} is not {dev.Name}'s");
            }
            else
                Assert.True(m.Design.MultiMsi.ContiguousVectors, $"after {after}: {dev.Name} got {d.NvecUsed}-vector MSI without remapping (I-P17)");
        }
    }
}
