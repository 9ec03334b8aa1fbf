using IrqVerify.Model.Program;

namespace IrqVerify.Model.Tests.Programs;

/// <summary>Runs a program text the way `irqverify run` does, on the default machine unless given one.</summary>
public static class ProgramKit
{
    public static (Machine M, RunReport R) Run(string text, MachineConfig? cfg = null)
    {
        var m = new Machine(cfg ?? MachineConfig.Default());
        return (m, ProgramRunner.Run(m, ProgramParser.Parse(text, "t.irq", m.Config)));
    }
}
