using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;
using IrqVerify.Traces.Format;

namespace IrqVerify.Traces.Check;

/// <summary>
/// Replays a kernel trace into the reference model: each irq_matrix event becomes the matrix
/// operation it reports (on <see cref="IrqMatrix"/>), and after it the model's counters must equal
/// the ones the kernel printed; the model's choice of vector and CPU must equal the kernel's where
/// the state it depends on is known; the matrix invariants I-M* must hold; the vector events must
/// agree with the matrix events and with each irq's vector state (<see cref="VectorTracker"/>).
/// </summary>
public static class TraceChecker
{
    public static CheckResult Check(TraceFile trace)
    {
        var result = new CheckResult { Path = trace.Path, Kernel = trace.Kernel, Cpus = trace.Cpus, Ignored = trace.Ignored };
        var all = trace.Events;
        var factsByIndex = EventAnnotator.Annotate(all);
        var matrixIdx = new List<int>();
        for (int i = 0; i < all.Count; i++) if (EventSchema.IsMatrix(all[i].Name)) matrixIdx.Add(i);
        result.MatrixEvents = matrixIdx.Count;
        result.VectorEvents = all.Count(e => e.Name.StartsWith("vector_", StringComparison.Ordinal));
        var mevents = matrixIdx.Select(i => MatrixEvent.From(all[i])).ToList();
        var facts = matrixIdx.Select(i => factsByIndex[i]).ToList();

        var init = InitialState.Reconstruct(mevents, facts, trace.Cpus);
        var diag = new DiagnosticLog();
        var model = new IrqMatrix(trace.Cpus, trace.MatrixBits, trace.AllocStart, trace.AllocEnd, diag);
        var slots = new SlotKnowledge(model);
        result.Reconstruction.Add($"matrix window [0x{trace.AllocStart:x}, 0x{trace.AllocEnd:x}) of {trace.MatrixBits} bits");
        result.Reconstruction.Add($"before line {(init.FirstEvent < mevents.Count ? mevents[init.FirstEvent].Source.Line : 0)}: online_maps={init.OnlineMaps} global_avl={init.GlobalAvl} global_rsvd={init.GlobalRsvd} total_alloc={init.TotalAlloc}; " +
            string.Join("; ", init.Cpus.Select((c, i) => c.Known ? $"CPU{i} online={(c.Online ? 1 : 0)} avl={c.Avl} alloc={c.Alloc} managed={c.Managed}" : $"CPU{i} unknown")));
        result.Reconstruction.AddRange(init.Notes);
        result.Reconstruction.AddRange(slots.Seed(init));

        // Invariants that do not hold on the reconstructed state say nothing about the trace.
        var excluded = new HashSet<string>();
        var atSeed = new List<Violation>();
        MatrixInvariants.IM1(model, atSeed); MatrixInvariants.IM2(model, atSeed); MatrixInvariants.IM3(model, atSeed);
        MatrixInvariants.IM4(model, atSeed); MatrixInvariants.IM5(model, atSeed); MatrixInvariants.IM6(model, atSeed);
        MatrixInvariants.IM7(model, atSeed); MatrixInvariants.IM8(model, atSeed); MatrixInvariants.IM9(model, atSeed);
        foreach (var v in atSeed) excluded.Add(v.Id);
        foreach (var id in excluded.Order()) result.NotChecked.Add($"{id}: does not hold on the reconstructed state ({atSeed.First(v => v.Id == id).Message})");
        result.InvariantsChecked.AddRange(MatrixInvariants.All.Select(i => i.Id).Where(id => !excluded.Contains(id)));

        var countersKnown = init.Cpus.Select(c => c.Known).ToArray();
        for (int c = 0; c < trace.Cpus; c++) if (countersKnown[c]) slots.Close(c);
        var tracker = new VectorTracker(model);
        var affinity = new Dictionary<int, CpuMask>();
        CpuMask? defaultAffinity = null;
        int mi = -1;
        bool managedCpuNoted = false, inferredNoted = false, binding = false;
        for (int i = 0; i < all.Count && result.Divergence == null; i++)
        {
            var e = all[i];
            if (e.Name == "tracing_mark_write")
            {
                Marker(e, affinity, ref defaultAffinity);
                binding = e.Payload.StartsWith("irqverify bind ", StringComparison.Ordinal);
                continue;
            }
            // The recorded device's new irqs start with irq_default_affinity (the recorder marks
            // it); irqs other drivers set up meanwhile may carry their own masks and stay unknown.
            if (binding && e.Name == "vector_setup" && defaultAffinity is { } da && EventAnnotator.Int(e, "ret") == 0)
                affinity[EventAnnotator.Int(e, "irq")] = da;
            if (!EventSchema.IsMatrix(e.Name))
            {
                result.Divergence = tracker.OnVector(e);
                continue;
            }
            mi++;
            var me = mevents[mi];
            var (announceDiv, announcedManaged) = tracker.OnMatrix(me);
            if (announceDiv != null) { result.Divergence = announceDiv; break; }
            if (mi < init.FirstEvent) continue;
            if (me.Op is "assign_system" or "alloc_reserved")
            {
                result.NotChecked.Add($"events from line {e.Line} on: irq_matrix_{me.Op} is not replayed (boot-time only)");
                break;
            }
            int warnsBefore = diag.Items.Count(d => d.Severity is Severity.Warn or Severity.Fatal);
            var f = facts[mi];
            Divergence? div = me.Op switch
            {
                "alloc" => Alloc(me, f, model, slots, affinity, countersKnown, result, ref inferredNoted),
                "alloc_managed" => Managed(me, model, slots, result, "alloc_managed", ref managedCpuNoted),
                "remove_managed" => Managed(me, model, slots, result, "remove_managed", ref managedCpuNoted),
                "reserve_managed" => ReserveManaged(me, model, slots, result),
                "assign" => Learned(me, slots.Require(me.Cpu, me.Bit, k => k == SlotKind.Free, "free (irq_matrix_assign takes it)"))
                            ?? Run(() => model.Assign(me.Cpu, me.Bit)),
                "free" => Free(me, announcedManaged ?? f.Managed, model, slots, result, ref inferredNoted),
                "online" => Run(() => model.Online(me.Cpu)),
                "offline" => Run(() => model.Offline(me.Cpu)),
                "reserve" => Run(model.Reserve),
                "remove_reserved" => Run(model.RemoveReserved),
                _ => null,
            };
            if (div != null) { result.Divergence = div; break; }
            result.Replayed++;
            var warn = diag.Items.Where(d => d.Severity is Severity.Warn or Severity.Fatal).Skip(warnsBefore).FirstOrDefault();
            if (warn != default)
            {
                result.Divergence = new Divergence(e.Line, e.Text, "the kernel traced a successful operation, the model rejected it", "success", warn.ToString());
                break;
            }
            if (me.HasCpuCounters) { countersKnown[me.Cpu] = true; slots.Close(me.Cpu); }
            result.Divergence = Counters(me, model, result);
            if (result.Divergence != null) break;
            var viol = MatrixInvariants.CheckAll(model).FirstOrDefault(v => !excluded.Contains(v.Id));
            result.InvariantRuns++;
            if (viol != default)
                result.Divergence = new Divergence(e.Line, e.Text, $"invariant {viol.Id} after replaying this event", "holds (the kernel is the reference)", viol.Message);
        }
        if (result.Divergence == null)
            foreach (var x in tracker.Outstanding)
                result.NotChecked.Add($"the trace ends before the irq_matrix_{x.Op} announced at line {x.Announcer.Line}");
        result.VectorEventChecks = tracker.Checks;
        result.NotChecked.Add("managed_allocated and the per-CPU bitmaps (not traced: known only where events showed them)");
        result.NotChecked.Add("CPU hotplug (no tracepoint fires for it on this kernel)");
        return result;
    }

    private static void Marker(TraceEvent e, Dictionary<int, CpuMask> affinity, ref CpuMask? defaultAffinity)
    {
        // "irqverify affinity irq=N cpus=LIST" / "irqverify default_affinity cpus=LIST", written by the recorder.
        if (!e.Fields.TryGetValue("cpus", out var list) || !CpuMask.TryParse("{" + list + "}", out var mask)) return;
        if (e.Payload.Contains("default_affinity", StringComparison.Ordinal)) defaultAffinity = mask;
        else if (e.Fields.TryGetValue("irq", out var irq) && TraceParser.TryInt(irq, out long n)) affinity[(int)n] = mask;
    }

    private static Divergence? Run(Action a) { a(); return null; }

    private static Divergence? Learned(MatrixEvent me, string? why) =>
        why == null ? null : new Divergence(me.Source.Line, me.Source.Text, "the traced vector does not fit the model's state", $"bit {me.Bit} on CPU{me.Cpu}", why);

    private static Divergence? Alloc(MatrixEvent me, EventFacts f, IrqMatrix model, SlotKnowledge slots, Dictionary<int, CpuMask> affinity,
        bool[] countersKnown, CheckResult r, ref bool inferredNoted)
    {
        bool reserved;
        if (f.Reserved is bool rv) reserved = rv;
        else
        {
            reserved = me.GlobalRsvd < model.GlobalReserved;
            if (!inferredNoted) { r.NotChecked.Add($"line {me.Source.Line} and later: reservation flag of an alloc without vector_alloc taken from global_rsvd"); inferredNoted = true; }
        }
        // assign_irq_vector*(): the search mask is the irq's affinity (∩ node ∩ online; one node here).
        var mask = CpuMask.Of(me.Cpu);
        bool cpuChecked = false;
        if (f.Irq >= 0 && affinity.TryGetValue(f.Irq, out var aff) && aff.IsSubsetOf(model.Possible) && aff.Contains(me.Cpu))
        {
            bool known = true;
            foreach (int c in aff) if (model.Map(c).Online && !countersKnown[c]) known = false;
            if (known) { mask = aff; cpuChecked = true; }
        }
        if (cpuChecked) r.CpuChoicesChecked++; else r.CpuChoicesUnchecked++;
        var (_, determined) = slots.LowestMatching(me.Cpu, k => k == SlotKind.Free);
        if (!determined && Learned(me, slots.LearnLowest(me.Cpu, me.Bit, k => k == SlotKind.Free, "free")) is { } d) return d;
        var err = model.Alloc(mask, reserved, out int cpu, out int bit);
        if (err != Errno.Ok) return new Divergence(me.Source.Line, me.Source.Text, $"irq_matrix_alloc over {mask}", $"vector {me.Bit} on CPU{me.Cpu}", $"error {err}");
        if (cpu != me.Cpu) return new Divergence(me.Source.Line, me.Source.Text, $"irq_matrix_alloc CPU choice over {mask}", $"CPU{me.Cpu}", $"CPU{cpu}");
        if (bit != me.Bit) return new Divergence(me.Source.Line, me.Source.Text, $"irq_matrix_alloc vector choice on CPU{cpu}", $"vector {me.Bit}", $"vector {bit}");
        if (determined) r.VectorChoicesChecked++; else r.VectorChoicesLearned++;
        return null;
    }

    private static Divergence? Managed(MatrixEvent me, IrqMatrix model, SlotKnowledge slots, CheckResult r, string op, ref bool managedCpuNoted)
    {
        var (_, determined) = slots.LowestMatching(me.Cpu, k => k == SlotKind.Managed);
        if (!determined && Learned(me, slots.LearnLowest(me.Cpu, me.Bit, k => k == SlotKind.Managed, "a reserved, unallocated managed slot")) is { } d) return d;
        int bit;
        if (op == "alloc_managed")
        {
            if (!managedCpuNoted) { r.NotChecked.Add("CPU choice of irq_matrix_alloc_managed (it depends on managed_allocated, which is not traced)"); managedCpuNoted = true; }
            var err = model.AllocManaged(CpuMask.Of(me.Cpu), out _, out bit);
            if (err != Errno.Ok) return new Divergence(me.Source.Line, me.Source.Text, "irq_matrix_alloc_managed", $"vector {me.Bit}", $"error {err}");
        }
        else
        {
            var before = model.Map(me.Cpu).ManagedMap;
            model.RemoveManaged(CpuMask.Of(me.Cpu));
            bit = (before & ~model.Map(me.Cpu).ManagedMap).NextSet(0);
        }
        if (bit != me.Bit) return new Divergence(me.Source.Line, me.Source.Text, $"irq_matrix_{op} vector choice on CPU{me.Cpu}", $"vector {me.Bit}", $"vector {bit}");
        if (determined) r.VectorChoicesChecked++; else r.VectorChoicesLearned++;
        return null;
    }

    private static Divergence? ReserveManaged(MatrixEvent me, IrqMatrix model, SlotKnowledge slots, CheckResult r)
    {
        var (_, determined) = slots.LowestMatching(me.Cpu, k => k == SlotKind.Free);
        if (!determined && Learned(me, slots.LearnLowest(me.Cpu, me.Bit, k => k == SlotKind.Free, "free")) is { } d) return d;
        var before = model.Map(me.Cpu).ManagedMap;
        var err = model.ReserveManaged(CpuMask.Of(me.Cpu));
        if (err != Errno.Ok) return new Divergence(me.Source.Line, me.Source.Text, "irq_matrix_reserve_managed", $"vector {me.Bit}", $"error {err}");
        int bit = (model.Map(me.Cpu).ManagedMap & ~before).NextSet(0);
        if (bit != me.Bit) return new Divergence(me.Source.Line, me.Source.Text, $"irq_matrix_reserve_managed vector choice on CPU{me.Cpu}", $"vector {me.Bit}", $"vector {bit}");
        if (determined) r.VectorChoicesChecked++; else r.VectorChoicesLearned++;
        return null;
    }

    private static Divergence? Free(MatrixEvent me, bool? managedFlag, IrqMatrix model, SlotKnowledge slots, CheckResult r, ref bool inferredNoted)
    {
        bool managed;
        if (managedFlag is bool m) managed = m;
        else
        {
            // Neither vector_free_moved nor the irq's other events say: a managed free leaves available alone.
            managed = me.Avl == model.Map(me.Cpu).Available && me.Alloc == model.Map(me.Cpu).Allocated - 1;
            if (!inferredNoted) { r.NotChecked.Add($"line {me.Source.Line} and later: managed flag of a free whose irq is unknown taken from the counters"); inferredNoted = true; }
        }
        var kind = managed ? SlotKind.ManagedAlloc : SlotKind.Alloc;
        if (Learned(me, slots.Require(me.Cpu, me.Bit, k => k == kind, managed ? "a managed allocation" : "a non-managed allocation")) is { } d) return d;
        model.Free(me.Cpu, me.Bit, managed);
        return null;
    }

    private static Divergence? Counters(MatrixEvent me, IrqMatrix model, CheckResult r)
    {
        var exp = new List<string>();
        var act = new List<string>();
        void Cmp(string name, long kernel, long mine)
        {
            r.CounterComparisons++;
            if (kernel == mine) return;
            exp.Add($"{name}={kernel}");
            act.Add($"{name}={mine}");
        }
        if (me.HasCpuCounters)
        {
            var cm = model.Map(me.Cpu);
            Cmp("online", me.Online ? 1 : 0, cm.Online ? 1 : 0);
            Cmp("avl", (uint)me.Avl, cm.AvailableUnsigned);
            Cmp("alloc", (uint)me.Alloc, unchecked((uint)cm.Allocated));
            Cmp("managed", (uint)me.Managed, unchecked((uint)cm.Managed));
        }
        Cmp("online_maps", (uint)me.OnlineMaps, unchecked((uint)model.OnlineMaps));
        Cmp("global_avl", (uint)me.GlobalAvl, unchecked((uint)model.GlobalAvailable));
        Cmp("global_rsvd", (uint)me.GlobalRsvd, unchecked((uint)model.GlobalReserved));
        Cmp("total_alloc", (uint)me.TotalAlloc, unchecked((uint)model.TotalAllocated));
        if (exp.Count == 0) return null;
        return new Divergence(me.Source.Line, me.Source.Text, $"counters after irq_matrix_{me.Op}" + (me.HasCpuCounters ? $" on CPU{me.Cpu}" : ""), string.Join(" ", exp), string.Join(" ", act));
    }
}
