using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Explorer;

/// <summary>
/// Brings the machine to the scenario's start state before each schedule: the one function to swap
/// when the model gains a cheaper snapshot/restore. Fills <c>vars</c> with the setup's bindings.
/// </summary>
public interface IScenarioReset
{
    Machine Reset(long[] vars, ITraceSink? trace);
}

/// <summary>Reset by construction: a new machine, then the setup program run sequentially.</summary>
public sealed class RebuildReset(Scenario scenario, Variants variants) : IScenarioReset
{
    public Machine Reset(long[] vars, ITraceSink? trace)
    {
        var m = new Machine(scenario.Machine, variants, FirstChoice.Instance, trace);
        Array.Clear(vars);
        foreach (var op in scenario.Setup) RunSetupOp(m, op, vars);
        return m;
    }

    /// <summary>Runs one setup line to completion; returns its result.</summary>
    public static OpResult RunSetupOp(Machine m, ScenarioOp op, long[] vars)
    {
        var r = new OpResult();
        var args = op.Resolve(vars);
        int cpu = op.Spec.CpuParam >= 0 ? (int)args[op.Spec.CpuParam] : op.Spec.IsEnvironment ? -1 : 0;
        m.Run("setup:" + op.Spec.Name, cpu, op.Spec.Body(m, args, r));
        if (op.BindSlot >= 0) vars[op.BindSlot] = r.Ok ? r.Value : -1;
        return r;
    }
}

/// <summary>
/// Reset by restore: the first call builds the machine and runs the setup, then snapshots it; every
/// later call restores that same machine in place (a few microseconds instead of a rebuild). A
/// traced run (replay, timelines) rebuilds, since the trace sink is fixed at construction.
/// </summary>
public sealed class SnapshotReset(Scenario scenario, Variants variants) : IScenarioReset
{
    private readonly RebuildReset _rebuild = new(scenario, variants);
    private Machine? _machine;
    private MachineSnapshot? _start;
    private long[]? _startVars;

    public Machine Reset(long[] vars, ITraceSink? trace)
    {
        if (trace is not null) return _rebuild.Reset(vars, trace);
        if (_machine is null || _start is null || _startVars is null)
        {
            _machine = _rebuild.Reset(vars, null);
            _start = _machine.Snapshot();
            _startVars = (long[])vars.Clone();
            return _machine;
        }
        _machine.Restore(_start);
        _machine.Decisions = FirstChoice.Instance;
        Array.Copy(_startVars, vars, vars.Length);
        return _machine;
    }
}
