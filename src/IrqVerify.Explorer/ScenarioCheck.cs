using IrqVerify.Model;
using IrqVerify.Model.Invariants;

namespace IrqVerify.Explorer;

/// <summary>Sanity of a scenario before exploring it: the setup runs clean.</summary>
public static class ScenarioCheck
{
    /// <summary>Null when every setup line succeeds and every safety invariant holds after it; else the problem.</summary>
    public static string? Setup(Scenario s, Variants v)
    {
        var m = new Machine(s.Machine, v);
        var vars = new long[s.Variables.Count];
        foreach (var op in s.Setup)
        {
            var r = RebuildReset.RunSetupOp(m, op, vars);
            if (!r.Ok) return $"setup line {op.SourceLine} '{op.Text}' failed: {r}";
        }
        foreach (var c in InvariantCatalog.All)
            if (c.Kind == InvariantKind.Safety && c.Run(m) is { Count: > 0 } vs)
                return $"setup leaves {vs[0]}";
        return null;
    }
}
