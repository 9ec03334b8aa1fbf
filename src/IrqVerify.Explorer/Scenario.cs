using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Explorer;

/// <summary>
/// One compiled program line: the operation, its arguments as literals or variable slots, and the
/// slot its result binds to. Resolved against a run's variable array without dictionaries.
/// </summary>
public sealed class ScenarioOp(ProgramLine line, OpSpec spec, long[] literals, int[] slots, int bindSlot, int sourceLine)
{
    public ProgramLine Line { get; } = line;
    public OpSpec Spec { get; } = spec;
    /// <summary>Slot of each argument (-1: use <see cref="Literals"/>).</summary>
    internal int[] Slots { get; } = slots;
    internal long[] Literals { get; } = literals;
    /// <summary>Variable slot the result binds to (-1: none).</summary>
    public int BindSlot { get; } = bindSlot;
    /// <summary>Line in the scenario file (1-based).</summary>
    public int SourceLine { get; } = sourceLine;
    public string Text { get; } = line.Print();

    /// <summary>Argument values; a variable whose producer failed holds -1 (the op handles it like the kernel).</summary>
    public OpArgs Resolve(long[] vars)
    {
        var values = new long[Slots.Length];
        for (int i = 0; i < values.Length; i++)
            values[i] = Slots[i] >= 0 ? vars[Slots[i]] : Literals[i];
        return new OpArgs(values);
    }

    /// <summary>The CPU a sequential (setup) run uses, as <see cref="ProgramRunner"/> does.</summary>
    public int SequentialCpu(long[] vars) =>
        Spec.CpuParam >= 0 ? (int)Resolve(vars)[Spec.CpuParam] : Spec.IsEnvironment ? -1 : 0;
}

/// <summary>
/// A thread of a scenario: a CPU (or -1 for an environment actor: a device, Xen) and the operations
/// it runs in order. Threads with equal <see cref="SymmetryClass"/> are interchangeable (same
/// operations, on CPUs the scenario declares symmetric, or both environment actors).
/// </summary>
public sealed class ScenarioThread(string name, int cpu, ScenarioOp[] ops, int symmetryClass)
{
    public string Name { get; } = name;
    public int Cpu { get; } = cpu;
    public ScenarioOp[] Ops { get; } = ops;
    public int SymmetryClass { get; } = symmetryClass;
    /// <summary>Timeline column: "cpuN" for CPU threads, the thread's name for environment actors.</summary>
    public string Column => Cpu >= 0 ? $"cpu{Cpu}" : Name;
    public string Text => string.Join("; ", Ops.Select(o => o.Text));
}

/// <summary>
/// A concurrency scenario: a machine, a setup program run sequentially, and threads whose steps the
/// explorer interleaves. See <see cref="ScenarioParser"/> for the text format.
/// </summary>
public sealed class Scenario
{
    public required string Name { get; init; }
    public required string File { get; init; }
    public required MachineConfig Machine { get; init; }
    public required IReadOnlyList<ScenarioOp> Setup { get; init; }
    public required IReadOnlyList<ScenarioThread> Threads { get; init; }
    /// <summary>Variable names by slot (setup variables first; thread variables as "thread.name").</summary>
    public required IReadOnlyList<string> Variables { get; init; }
    /// <summary>Steps per schedule before the run counts as a liveness failure (no quiescence).</summary>
    public int StepBound { get; init; } = 400;
    /// <summary>Default preemption bound of exhaustive runs (null: unbounded).</summary>
    public int? PreemptionBound { get; init; }
    /// <summary>Known bugs (K1..K15) this scenario is meant to expose when re-injected.</summary>
    public IReadOnlyList<string> Bugs { get; init; } = [];
    /// <summary>A CPU runs one thread at a time: a started thread keeps its CPU until it finishes
    /// (interrupt handlers and irqs-off sections are not interrupted on their own CPU).</summary>
    public bool ExclusiveCpus { get; init; } = true;
    /// <summary>One-line description (the first comment of the file).</summary>
    public string Description { get; init; } = "";

    public ScenarioThread? ThreadByName(string name)
    {
        foreach (var t in Threads) if (t.Name == name) return t;
        return null;
    }
}
