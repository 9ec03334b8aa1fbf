using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Program;

namespace IrqVerify.Model.Tests.Snapshot;

/// <summary>
/// Machine.Snapshot / Restore: a restored machine is indistinguishable from the snapshotted one:
/// same state hash, same dump, same diagnostics, same invariant verdicts, and every later operation
/// gives the same results as the original run.
/// </summary>
public class SnapshotTests
{
    /// <summary>Touches every subsystem: MSI-X and multi-MSI with remapping, a leaked descriptor (I-P15),
    /// a vector move whose old vector waits on a cleanup list, CPU hotplug, Xen lateeoi with an EOI
    /// list entry, a rebind, an ABI switch (the ABI object changes kind) and faults injected.</summary>
    public const string Mixed = """
        n = pci_alloc_irq_vectors(dev1, 4, 4, msix)
        i0 = pci_irq_vector(dev1, 0)
        i1 = pci_irq_vector(dev1, 1)
        request_irq(i0)
        request_irq(i1)
        device_raise(dev1, 1)
        m = pci_alloc_irq_vectors(dev0, 4, 4, msi)
        j0 = pci_irq_vector(dev0, 0)
        request_irq(j0)
        irq_set_affinity(j0, {3})
        v = vector_alloc({0-3}, none)
        request_irq(v)
        irq_set_affinity(v, {2})
        apic_raise(v)
        interrupt(2)
        fault_next_request_irq()
        w = vector_alloc({}, none)
        request_irq(w)
        p = evtchn_alloc_unbound()
        x = bind_evtchn_to_irq_lateeoi(p)
        request_irq(x)
        xen_send(p)
        xen_upcall(0)
        xen_irq_lateeoi(x, spurious)
        xen_send(p)
        xen_upcall(0)
        xen_irq_lateeoi(x, spurious)
        q = evtchn_alloc_unbound()
        y = bind_evtchn_to_irq(q)
        request_irq(y)
        xen_send(q)
        xen_rebind(y, 1)
        cpu_offline(1)
        pci_free_irq_vectors(dev1)
        cleanup_timer(0)
        interrupt(0)
        cpu_online(1)
        xen_upcall(1)
        unbind_from_irqhandler(y)
        unbind_from_irqhandler(x)
        xen_tick()
        xen_eoi_worker(0)
        xen_set_abi(2l)
        r = evtchn_alloc_unbound()
        z = bind_evtchn_to_irq(r)
        request_irq(z)
        xen_send(r)
        free_irq(j0)
        pci_free_irq_vectors(dev0)
        """;

    public static TheoryData<string> Programs()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "*.irq").Order())
            data.Add(Path.GetFileName(f));
        data.Add("mixed");
        return data;
    }

    private static IrqProgram Load(string name) =>
        name == "mixed"
            ? ProgramParser.Parse(Mixed, "mixed")
            : ProgramParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", name)), name);

    /// <summary>What one run from a point on observed: every op result with its new diagnostics,
    /// the safety verdicts after each op, then the drained end state.</summary>
    private static List<string> RunFrom(Machine m, IrqProgram p, int from, Dictionary<string, long> vars)
    {
        var seen = new List<string>();
        var v = new List<Violation>();
        for (int i = from; i < p.Lines.Count; i++)
        {
            var call = p.Lines[i];
            if (call.IsComment) continue;
            var spec = OpCatalog.Default[call.Op];
            var args = ProgramRunner.Resolve(call, vars);
            int cpu = spec.CpuParam >= 0 ? (int)args[spec.CpuParam] : spec.IsEnvironment ? -1 : 0;
            var r = new OpResult();
            int diag = m.Diagnostics.Count;
            m.Run(call.Op, cpu, spec.Body(m, args, r));
            if (call.Bind is not null) vars[call.Bind] = r.Ok ? r.Value : -1;
            v.Clear();
            foreach (var c in InvariantCatalog.Safety) c.Check(m, v);
            seen.Add($"{i}: {call.Print()} -> {r} [{string.Join("; ", m.Diagnostics.Items.Skip(diag))}] {{{string.Join("; ", v)}}} {m.StateHash():x16}");
        }
        bool drained = m.Drain();
        v.Clear();
        foreach (var c in InvariantCatalog.All) c.Check(m, v);
        seen.Add($"drain {drained} {{{string.Join("; ", v)}}} {m.StateHash():x16} {m.Diagnostics.Count}");
        seen.Add(m.DumpText());
        return seen;
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Restore_at_every_line_reproduces_the_state_and_the_rest_of_the_run(string name)
    {
        var p = Load(name);
        var m = new Machine(MachineConfig.Default());
        var snaps = new List<(MachineSnapshot Snap, ulong Hash, string Dump, int Diags, Dictionary<string, long> Vars)>();
        var vars = new Dictionary<string, long>();
        var reference = new List<List<string>>();
        // Pass 1: snapshot before every line, then run one line.
        for (int i = 0; i < p.Lines.Count; i++)
        {
            snaps.Add((m.Snapshot(), m.StateHash(), m.DumpText(), m.Diagnostics.Count, new Dictionary<string, long>(vars)));
            var call = p.Lines[i];
            if (call.IsComment) continue;
            var spec = OpCatalog.Default[call.Op];
            var args = ProgramRunner.Resolve(call, vars);
            int cpu = spec.CpuParam >= 0 ? (int)args[spec.CpuParam] : spec.IsEnvironment ? -1 : 0;
            var r = new OpResult();
            m.Run(call.Op, cpu, spec.Body(m, args, r));
            if (call.Bind is not null) vars[call.Bind] = r.Ok ? r.Value : -1;
        }
        // Reference: a fresh machine runs from each point (the same as continuing the first machine).
        for (int i = 0; i < p.Lines.Count; i++)
        {
            var fresh = new Machine(MachineConfig.Default());
            var fv = new Dictionary<string, long>();
            RunPrefix(fresh, p, i, fv);
            Assert.Equal(snaps[i].Hash, fresh.StateHash());
            reference.Add(RunFrom(fresh, p, i, fv));
        }
        // Pass 2: the (now drained, dirty) machine restores each point, in reverse and then in order.
        RunFrom(m, p, p.Lines.Count, vars);
        foreach (int i in Enumerable.Range(0, p.Lines.Count).Reverse().Concat(Enumerable.Range(0, p.Lines.Count)))
        {
            var (snap, hash, dump, diags, v) = snaps[i];
            m.Restore(snap);
            Assert.Equal(hash, m.StateHash());
            Assert.Equal(dump, m.DumpText());
            Assert.Equal(diags, m.Diagnostics.Count);
            Assert.Equal(reference[i], RunFrom(m, p, i, new Dictionary<string, long>(v)));
        }
    }

    private static void RunPrefix(Machine m, IrqProgram p, int count, Dictionary<string, long> vars)
    {
        for (int i = 0; i < count; i++)
        {
            var call = p.Lines[i];
            if (call.IsComment) continue;
            var spec = OpCatalog.Default[call.Op];
            var args = ProgramRunner.Resolve(call, vars);
            int cpu = spec.CpuParam >= 0 ? (int)args[spec.CpuParam] : spec.IsEnvironment ? -1 : 0;
            var r = new OpResult();
            m.Run(call.Op, cpu, spec.Body(m, args, r));
            if (call.Bind is not null) vars[call.Bind] = r.Ok ? r.Value : -1;
        }
    }

    [Fact]
    public void Mixed_program_reaches_the_states_whose_references_need_care()
    {
        var p = Load("mixed");
        var m = new Machine(MachineConfig.Default());
        var vars = new Dictionary<string, long>();
        bool cleanup = false, leaked = false, eoiList = false, msiDescs = false, offline = false, twoLevel = false;
        for (int i = 1; i <= p.Lines.Count; i++)
        {
            m = new Machine(MachineConfig.Default());
            vars.Clear();
            RunPrefix(m, p, i, vars);
            cleanup |= m.Vector.Cpus.Any(c => c.Cleanup.Count > 0);
            leaked |= m.Pci.Devices.Any(d => d.Leaked.Count > 0);
            eoiList |= m.Xen!.EoiLists.Any(l => l.Count > 0);
            msiDescs |= m.Pci.Devices[0].Descriptors.Count > 0 && m.Pci.Devices[1].Descriptors.Count > 0;
            offline |= m.Vector.OnlineMask.Count < 4;
            twoLevel |= m.Xen.Abi.Name == "2l";
        }
        Assert.True(cleanup && leaked && eoiList && msiDescs && offline && twoLevel,
            $"cleanup {cleanup} leaked {leaked} eoi {eoiList} descs {msiDescs} offline {offline} 2l {twoLevel}");
    }

    [Fact]
    public void A_snapshot_restores_into_another_machine_that_ran_a_different_program()
    {
        var mixed = Load("mixed");
        var a = new Machine(MachineConfig.Default());
        var va = new Dictionary<string, long>();
        RunPrefix(a, mixed, 14, va); // a vector move is pending: the old vector waits for an interrupt
        var snap = a.Snapshot();
        var expected = RunFrom(new MachineCopy(a).Machine, mixed, 14, new Dictionary<string, long>(va));

        var b = new Machine(MachineConfig.Default());
        ProgramRunner.Run(b, Load("xen-rebind-pending-2l.irq"), new RunOptions { CheckRefinement = false });
        Assert.NotEqual(snap.StateHash(), b.StateHash());
        Assert.Equal("2l", b.Xen!.Abi.Name);
        b.Restore(snap);
        Assert.Equal("fifo", b.Xen.Abi.Name);
        Assert.Equal(snap.StateHash(), b.StateHash());
        Assert.Equal(snap.DumpText(), b.DumpText());
        Assert.Equal(expected, RunFrom(b, mixed, 14, new Dictionary<string, long>(va)));
    }

    /// <summary>A second machine brought to the same state by restoring a snapshot.</summary>
    private sealed class MachineCopy
    {
        public MachineCopy(Machine m)
        {
            Machine = new Machine(m.Config, m.Variants);
            Machine.Restore(m.Snapshot());
        }

        public Machine Machine { get; }
    }

    [Fact]
    public void A_snapshot_does_not_follow_later_changes_and_restores_repeatedly()
    {
        var m = new Machine(MachineConfig.Default());
        var p = Load("vector-move-cleanup-offline.irq");
        var vars = new Dictionary<string, long>();
        RunPrefix(m, p, 8, vars);
        var snap = m.Snapshot();
        ulong hash = m.StateHash();
        string dump = m.DumpText();
        for (int round = 0; round < 3; round++)
        {
            RunFrom(m, p, 8, new Dictionary<string, long>(vars));
            Assert.NotEqual(hash, m.StateHash());
            Assert.Equal(hash, snap.StateHash());
            m.Restore(snap);
            Assert.Equal(hash, m.StateHash());
            Assert.Equal(dump, m.DumpText());
        }
    }

    [Fact]
    public void Snapshot_into_an_existing_snapshot_overwrites_it()
    {
        var m = new Machine(MachineConfig.Default());
        var snap = m.Snapshot();
        ulong boot = m.StateHash();
        RunPrefix(m, Load("mixed"), 12, new Dictionary<string, long>());
        ulong later = m.StateHash();
        m.Snapshot(snap);
        Assert.Equal(later, snap.StateHash());
        m.Restore(snap);
        Assert.Equal(later, m.StateHash());
        Assert.NotEqual(boot, later);
    }

    [Fact]
    public void Restore_keeps_decisions_trace_and_hooks_and_copies_diagnostics()
    {
        var trace = new TextTrace();
        var decisions = new SeededChoice(7);
        var m = new Machine(MachineConfig.Default(), decisions: decisions, trace: trace);
        var snap = m.Snapshot();
        int steps = 0;
        m.AfterStep = _ => steps++;
        var sink = new List<Diagnostic>();
        m.Diagnostics.Sink = sink.Add;
        var mixed = Load("mixed");
        RunPrefix(m, mixed, mixed.Lines.Count, new Dictionary<string, long>());
        Assert.Contains(m.Diagnostics.Items, d => d.Rule == "I-P15");
        Assert.Equal(m.Diagnostics.Count, sink.Count);
        m.Restore(snap);
        Assert.Same(decisions, m.Decisions);
        Assert.Same(trace, m.Trace);
        Assert.Equal(0, m.Diagnostics.Count);
        int before = steps, lines = trace.Lines.Count;
        RunPrefix(m, Load("mixed"), 3, new Dictionary<string, long>());
        Assert.True(steps > before);
        Assert.True(trace.Lines.Count > lines);
        Assert.NotNull(m.Diagnostics.Sink);
    }

    [Fact]
    public void Restore_refuses_a_snapshot_of_another_configuration_or_other_variants()
    {
        var snap = new Machine(MachineConfig.Default()).Snapshot();
        var small = MachineConfig.Default();
        small.Cpus = 2;
        Assert.Throws<ArgumentException>(() => new Machine(small).Restore(snap));
        var k10 = new Variants();
        k10.TryEnable("K10");
        Assert.Throws<ArgumentException>(() => new Machine(MachineConfig.Default(), k10).Restore(snap));
        // An equal configuration built separately is accepted.
        new Machine(MachineConfig.Default()).Restore(snap);
    }
}
