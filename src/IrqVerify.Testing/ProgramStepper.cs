using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Testing;

/// <summary>
/// Runs a program one line at a time on a machine (no checks), so a property can look at the state
/// between operations: the same resolution of variables and CPUs as <see cref="ProgramRunner"/>.
/// </summary>
public sealed class ProgramStepper(Machine m)
{
    private readonly Dictionary<string, long> _vars = new(StringComparer.Ordinal);

    public Machine Machine => m;

    public IReadOnlyDictionary<string, long> Vars => _vars;

    /// <summary>Runs one call line to completion; returns its spec, resolved arguments and result.</summary>
    public (OpSpec Spec, OpArgs Args, OpResult Result) Step(ProgramLine line)
    {
        var spec = OpCatalog.Default[line.Op];
        var args = ProgramRunner.Resolve(line, _vars);
        int cpu = spec.CpuParam >= 0 ? (int)args[spec.CpuParam] : spec.IsEnvironment ? -1 : 0;
        var r = new OpResult();
        m.Run((cpu >= 0 ? $"cpu{cpu}" : "env") + ":" + line.Op, cpu, spec.Body(m, args, r));
        if (line.Bind is not null) _vars[line.Bind] = r.Ok ? r.Value : -1;
        return (spec, args, r);
    }

    /// <summary>Runs every call of <paramref name="p"/>, invoking <paramref name="after"/> after each.</summary>
    public void RunAll(IrqProgram p, Action<ProgramLine, OpSpec, OpArgs, OpResult>? after = null)
    {
        foreach (var line in p.Calls)
        {
            var (spec, args, r) = Step(line);
            after?.Invoke(line, spec, args, r);
        }
    }

    /// <summary>Runs a single operation given by name and literal argument values.</summary>
    public OpResult Call(string op, params long[] values)
    {
        var spec = OpCatalog.Default[op];
        var r = new OpResult();
        int cpu = spec.CpuParam >= 0 ? (int)values[spec.CpuParam] : spec.IsEnvironment ? -1 : 0;
        m.Run((cpu >= 0 ? $"cpu{cpu}" : "env") + ":" + op, cpu, spec.Body(m, new OpArgs(values), r));
        return r;
    }
}
