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
