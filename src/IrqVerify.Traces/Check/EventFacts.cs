using IrqVerify.Traces.Format;

namespace IrqVerify.Traces.Check;

/// <summary>
/// What the vector events around a matrix event say about it (arch/x86/kernel/apic/vector.c):
/// the irq it serves, whether a free is a managed one (clear_irq_vector and free_moved_vector
/// pass irqd_affinity_is_managed), whether an alloc consumed a reservation (assign_vector_locked
/// traces vector_alloc with has_reserved right after irq_matrix_alloc).
/// </summary>
public sealed record EventFacts(int Irq, bool? Managed, bool? Reserved);

/// <summary>Annotates each matrix event of a trace with its <see cref="EventFacts"/>.</summary>
public static class EventAnnotator
{
    public static IReadOnlyDictionary<int, EventFacts> Annotate(IReadOnlyList<TraceEvent> events)
    {
        // An irq's managed flag does not change while it exists; every event that prints it counts.
        var managed = new Dictionary<int, bool>();
        foreach (var e in events)
        {
            if (!EventSchema.IsKnown(e.Name) || !e.Fields.ContainsKey("irq")) continue;
            int irq = Int(e, "irq");
            switch (e.Name)
            {
                case "vector_activate" or "vector_deactivate" or "vector_teardown" or "vector_free_moved":
                    managed[irq] = Int(e, "is_managed") != 0; break;
                case "vector_alloc_managed" or "vector_reserve_managed": managed[irq] = true; break;
                case "vector_alloc" or "vector_reserve": managed.TryAdd(irq, false); break;
            }
        }

        var facts = new Dictionary<int, EventFacts>();
        var lastVector = new Dictionary<int, TraceEvent>(); // per recording CPU
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Name.StartsWith("vector_", StringComparison.Ordinal)) { lastVector[e.Cpu] = e; continue; }
            if (!EventSchema.IsMatrix(e.Name)) continue;
            int irq = -1;
            bool? isManaged = null, reserved = null;
            if (e.Name == "irq_matrix_free" && lastVector.TryGetValue(e.Cpu, out var v) && v.Name is "vector_clear" or "vector_free_moved" or "vector_update")
            {
                irq = Int(v, "irq");
                if (v.Name == "vector_free_moved") isManaged = Int(v, "is_managed") != 0;
                else if (managed.TryGetValue(irq, out bool m)) isManaged = m;
            }
            if (e.Name is "irq_matrix_alloc" or "irq_matrix_alloc_managed")
            {
                string follower = e.Name == "irq_matrix_alloc" ? "vector_alloc" : "vector_alloc_managed";
                for (int j = i + 1; j < events.Count; j++)
                {
                    var n = events[j];
                    if (n.Cpu != e.Cpu) continue;
                    if (n.Name == follower)
                    {
                        irq = Int(n, "irq");
                        if (n.Fields.ContainsKey("reserved")) reserved = Int(n, "reserved") != 0;
                    }
                    if (n.Name == follower || EventSchema.IsMatrix(n.Name)) break;
                }
            }
            facts[i] = new EventFacts(irq, isManaged, reserved);
        }
        return facts;
    }

    internal static int Int(TraceEvent e, string key) =>
        TraceParser.TryInt(e.Fields[key], out long v) ? unchecked((int)v) : throw new InvalidOperationException($"{e.Name}: {key}");
}
