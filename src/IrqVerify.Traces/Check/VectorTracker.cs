using IrqVerify.Model.Matrix;
using IrqVerify.Traces.Format;

namespace IrqVerify.Traces.Check;

/// <summary>
/// Checks the irq_vectors:vector_* events against the matrix events around them and against a
/// shadow of each irq's apic_chip_data (vector, cpu, prev_vector, prev_cpu), following
/// arch/x86/kernel/apic/vector.c: clear_irq_vector traces vector_clear and then frees the vector
/// (and a pending previous one), free_moved_vector traces vector_free_moved and then frees,
/// apic_update_vector frees at once when the old target CPU is offline, assign_vector_locked
/// traces vector_alloc after irq_matrix_alloc, reserve_irq_vector_locked traces vector_reserve
/// after irq_matrix_reserve. A shadow starts unknown and becomes known from vector_update or
/// vector_clear.
/// </summary>
public sealed class VectorTracker(IrqMatrix model)
{
    /// <summary>MANAGED_IRQ_SHUTDOWN_VECTOR: parked, never allocated in the matrix.</summary>
    public const int ShutdownVector = 0xef;

    private sealed class Shadow { public int? Vector, Cpu, PrevVector, PrevCpu; }

    /// <summary>A matrix operation a vector event announced.</summary>
    public sealed record Expected(string Op, int Cpu, int Bit, bool? Managed, TraceEvent Announcer);

    private readonly Dictionary<int, Shadow> _irqs = new();
    private readonly Dictionary<int, Queue<Expected>> _pending = new();
    private readonly Dictionary<int, MatrixEvent> _lastMatrix = new();

    public int Checks { get; private set; }

    private Shadow Of(int irq) => _irqs.TryGetValue(irq, out var s) ? s : _irqs[irq] = new Shadow();
    private Queue<Expected> Pending(int cpu) => _pending.TryGetValue(cpu, out var q) ? q : _pending[cpu] = new Queue<Expected>();

    /// <summary>Handles one vector event; returns the divergence it shows, if any.</summary>
    public Divergence? OnVector(TraceEvent e)
    {
        int I(string k) => EventAnnotator.Int(e, k);
        // A vector event that starts a new vector_lock section while announced matrix operations
        // are still outstanding means the kernel skipped one the model expects.
        if (e.Name is "vector_clear" or "vector_free_moved" or "vector_update" or "vector_deactivate" or "vector_teardown" or "vector_activate"
            && Pending(e.Cpu).TryPeek(out var open))
            return new Divergence(e.Line, e.Text, $"{open.Announcer.Name} (line {open.Announcer.Line}) announces an irq_matrix_{open.Op} that never came",
                Describe(open), "a matrix operation before this line");
        int irq = I("irq");
        var s = Of(irq);
        switch (e.Name)
        {
            case "vector_clear":
            {
                int v = I("vector"), c = I("cpu"), pv = I("prev_vector"), pc = I("prev_cpu");
                if (Compare(e, s.Vector, s.Cpu, v, c, "vector/cpu of irq " + irq) is { } d) return d;
                if (s.PrevVector is int spv && (spv != pv || (pv != 0 && s.PrevCpu != pc)))
                    return new Divergence(e.Line, e.Text, $"prev_vector/prev_cpu of irq {irq}", $"{pv}/{pc}", $"{spv}/{s.PrevCpu}");
                Pending(e.Cpu).Enqueue(new Expected("free", c, v, null, e));
                if (pv != 0) Pending(e.Cpu).Enqueue(new Expected("free", pc, pv, null, e));
                s.Vector = 0; s.Cpu = c; s.PrevVector = 0; s.PrevCpu = 0;
                Checks++;
                break;
            }
            case "vector_free_moved":
            {
                int c = I("cpu"), v = I("vector");
                if (Compare(e, s.PrevVector is 0 ? null : s.PrevVector, s.PrevCpu, v, c, "prev_vector/prev_cpu of irq " + irq) is { } d) return d;
                Pending(e.Cpu).Enqueue(new Expected("free", c, v, I("is_managed") != 0, e));
                s.PrevVector = 0; s.PrevCpu = 0;
                Checks++;
                break;
            }
            case "vector_update":
            {
                int v = I("vector"), c = I("cpu"), pv = I("prev_vector"), pc = I("prev_cpu");
                if (Compare(e, s.Vector, s.Cpu, pv, pc, "vector/cpu of irq " + irq + " before the update") is { } d) return d;
                // apic_update_vector: nothing to release for no vector or the shutdown vector; an
                // online old target keeps the vector until cleanup, an offline one frees it now.
                if (pv == 0 || pv == ShutdownVector) { s.PrevVector = 0; s.PrevCpu = 0; }
                else if (pc < model.Cpus && model.Map(pc).Online) { s.PrevVector = pv; s.PrevCpu = pc; }
                else { Pending(e.Cpu).Enqueue(new Expected("free", pc, pv, null, e)); s.PrevVector = 0; s.PrevCpu = 0; }
                if (_lastMatrix.TryGetValue(e.Cpu, out var last) && last.Op is "alloc" or "alloc_managed")
                {
                    if (last.Bit != v || last.Cpu != c)
                        return new Divergence(e.Line, e.Text, $"vector_update after irq_matrix_{last.Op} (line {last.Source.Line})", $"vector {v} on CPU{c}", $"vector {last.Bit} on CPU{last.Cpu}");
                    _lastMatrix.Remove(e.Cpu);
                }
                s.Vector = v; s.Cpu = c;
                Checks++;
                break;
            }
            case "vector_config":
            {
                int v = I("vector"), c = I("cpu");
                if (v != ShutdownVector && s.Vector is int sv && sv != 0)
                {
                    if (Compare(e, s.Vector, s.Cpu, v, c, "effective vector/cpu of irq " + irq) is { } d) return d;
                    Checks++;
                }
                break;
            }
            case "vector_alloc" or "vector_alloc_managed" or "vector_reserve" or "vector_reserve_managed":
            {
                if (I("ret") < 0) break; // a failed attempt leaves no matrix event
                string op = e.Name switch
                {
                    "vector_alloc" => "alloc", "vector_alloc_managed" => "alloc_managed",
                    "vector_reserve" => "reserve", _ => "reserve_managed",
                };
                if (!_lastMatrix.TryGetValue(e.Cpu, out var last) || last.Op != op)
                    return new Divergence(e.Line, e.Text, $"{e.Name} without the irq_matrix_{op} before it", $"irq_matrix_{op}", last == null ? "none" : $"irq_matrix_{last.Op} (line {last.Source.Line})");
                if (op is "alloc" or "alloc_managed" && last.Bit != I("vector"))
                    return new Divergence(e.Line, e.Text, $"{e.Name} vector vs irq_matrix_{op} bit (line {last.Source.Line})", $"vector {I("vector")}", $"bit {last.Bit}");
                if (op is "reserve" or "reserve_managed") _lastMatrix.Remove(e.Cpu);
                Checks++;
                break;
            }
            case "vector_teardown":
                if (I("has_reserved") != 0) { Pending(e.Cpu).Enqueue(new Expected("remove_reserved", -1, -1, null, e)); Checks++; }
                break;
        }
        return null;
    }

    /// <summary>Matches a matrix event with what the vector events announced; returns the
    /// announced managed flag (free_moved prints it) or a divergence.</summary>
    public (Divergence? Divergence, bool? Managed) OnMatrix(MatrixEvent me)
    {
        var e = me.Source;
        _lastMatrix[e.Cpu] = me;
        var q = Pending(e.Cpu);
        if (!q.TryDequeue(out var x)) return (null, null);
        Checks++;
        bool ok = x.Op == me.Op && (x.Cpu < 0 || (x.Cpu == me.Cpu && x.Bit == me.Bit));
        if (!ok) return (new Divergence(e.Line, e.Text, $"{x.Announcer.Name} at line {x.Announcer.Line} announces", Describe(x), me.HasCpuCounters ? $"irq_matrix_{me.Op} cpu={me.Cpu} bit={me.Bit}" : $"irq_matrix_{me.Op}"), null);
        return (null, x.Managed);
    }

    /// <summary>Announced matrix operations the trace ends before.</summary>
    public IEnumerable<Expected> Outstanding => _pending.Values.SelectMany(q => q);

    private static string Describe(Expected x) => x.Cpu < 0 ? $"irq_matrix_{x.Op}" : $"irq_matrix_{x.Op} cpu={x.Cpu} bit={x.Bit}";

    private Divergence? Compare(TraceEvent e, int? vector, int? cpu, int v, int c, string what)
    {
        if (vector is not int sv) return null;
        if (sv == v && (v == 0 || cpu == c)) return null;
        return new Divergence(e.Line, e.Text, what, $"{v}/{c}", $"{sv}/{cpu}");
    }
}
