namespace IrqVerify.Traces.Check;

/// <summary>Counters of one CPU before the trace's first event, as far as the trace tells them.</summary>
public sealed record InitialCpu(bool Known, bool Online, int Avl, int Alloc, int Managed);

/// <summary>
/// The matrix counters before the first replayed event, worked back from the counters the first
/// events print (each event prints the state after its operation, so the operation is undone
/// arithmetically). Bitmaps are not traced; see <see cref="SlotKnowledge"/>.
/// </summary>
public sealed record InitialState(int OnlineMaps, int GlobalAvl, int GlobalRsvd, int TotalAlloc, IReadOnlyList<InitialCpu> Cpus, int FirstEvent, IReadOnlyList<string> Notes)
{
    /// <summary>Works the initial counters back from <paramref name="events"/> (matrix events only, in order).</summary>
    public static InitialState Reconstruct(IReadOnlyList<MatrixEvent> events, IReadOnlyList<EventFacts> facts, int cpus)
    {
        var notes = new List<string>();
        // irq_matrix_online/offline print no per-CPU counters; a trace that starts with them starts
        // replaying after them.
        int first = 0;
        while (first < events.Count && events[first].Op is "online" or "offline" or "assign_system") first++;
        if (first > 0) notes.Add($"{first} leading hotplug/boot event(s) before the first counter-bearing event are not replayed");
        if (first >= events.Count)
            return new InitialState(0, 0, 0, 0, Enumerable.Range(0, cpus).Select(_ => new InitialCpu(false, false, 0, 0, 0)).ToList(), first, notes);

        var e0 = events[first];
        var g = Undo(e0, facts[first], notes);
        var perCpu = new InitialCpu?[cpus];
        for (int i = first; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Op is "online" or "offline")
            {
                // A CPU first seen coming up was offline before (and vice versa); its counters stay unknown until a per-CPU event.
                continue;
            }
            if (!e.HasCpuCounters || perCpu[e.Cpu] != null) continue;
            var before = Undo(e, facts[i], notes);
            bool hotplugBefore = false;
            for (int j = first; j < i; j++)
                if (events[j].Op is "online" or "offline" && events[j].Cpu == e.Cpu) hotplugBefore = true;
            if (hotplugBefore)
            {
                notes.Add($"CPU{e.Cpu} changes online state before its first per-CPU event: its initial counters are unknown");
                continue;
            }
            perCpu[e.Cpu] = new InitialCpu(true, e.Online, before.Avl, before.Alloc, before.Managed);
        }

        // CPUs without any per-CPU event: their online state and available count follow from the
        // globals when at most one online CPU is left unexplained.
        int knownOnline = 0, knownAvl = 0;
        var unknown = new List<int>();
        for (int c = 0; c < cpus; c++)
        {
            if (perCpu[c] is { } k) { if (k.Online) { knownOnline++; knownAvl += k.Avl; } }
            else unknown.Add(c);
        }
        int restOnline = g.OnlineMaps - knownOnline;
        var list = new List<InitialCpu>();
        for (int c = 0; c < cpus; c++)
        {
            if (perCpu[c] is { } k) { list.Add(k); continue; }
            if (restOnline == 0) list.Add(new InitialCpu(false, false, 0, 0, 0));
            else if (restOnline == unknown.Count && unknown.Count == 1) list.Add(new InitialCpu(false, true, g.GlobalAvl - knownAvl, 0, 0));
            else list.Add(new InitialCpu(false, true, 0, 0, 0));
        }
        if (unknown.Count > 0)
            notes.Add($"CPU {string.Join(",", unknown)}: no per-CPU event, counters unknown (CPU choices over masks holding them are not checked)");
        return new InitialState(g.OnlineMaps, g.GlobalAvl, g.GlobalRsvd, g.TotalAlloc, list, first, notes);
    }

    private readonly record struct Before(int Avl, int Alloc, int Managed, int OnlineMaps, int GlobalAvl, int GlobalRsvd, int TotalAlloc);

    /// <summary>The counters before <paramref name="e"/>, by undoing what matrix.c does in that operation.</summary>
    private static Before Undo(MatrixEvent e, EventFacts f, List<string> notes)
    {
        int avl = e.Avl, alloc = e.Alloc, man = e.Managed, maps = e.OnlineMaps, gavl = e.GlobalAvl, rsvd = e.GlobalRsvd, total = e.TotalAlloc;
        switch (e.Op)
        {
            case "alloc":
                // irq_matrix_alloc: cm->allocated++, cm->available--, total_allocated++, global_available--, if (reserved) global_reserved--
                alloc--; avl++; total--; gavl++;
                if (f.Reserved is bool r) { if (r) rsvd++; }
                else notes.Add($"line {e.Source.Line}: no vector_alloc follows, the alloc is taken as not reserved");
                break;
            case "alloc_managed": alloc--; total--; break;
            case "assign": alloc--; avl++; total--; gavl++; break;
            case "free":
                alloc++;
                if (e.Online) total++;
                bool managed = f.Managed ?? false;
                if (f.Managed == null) notes.Add($"line {e.Source.Line}: managed flag of the free unknown, taken as non-managed");
                if (!managed) { avl--; if (e.Online) gavl--; }
                break;
            case "reserve_managed": man--; if (e.Online) { avl++; gavl++; } break;
            case "remove_managed": man++; if (e.Online) { avl--; gavl--; } break;
            case "reserve": rsvd--; break;
            case "remove_reserved": rsvd++; break;
            case "alloc_reserved": break;
        }
        return new Before(avl, alloc, man, maps, gavl, rsvd, total);
    }
}
