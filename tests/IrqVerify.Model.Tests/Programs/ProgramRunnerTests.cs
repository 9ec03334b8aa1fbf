using IrqVerify.Model.Program;

namespace IrqVerify.Model.Tests.Programs;

public class ProgramRunnerTests
{
    [Fact]
    public void Failed_producer_binds_minus_one_and_misuse_is_a_result_not_an_exception()
    {
        var m = new Machine(MachineConfig.Default());
        var p = ProgramParser.Parse("free_irq(40)\nrequest_irq(40)\n", "t.irq");
        var report = ProgramRunner.Run(m, p);
        Assert.Equal("-EINVAL", report.Ops[0].Result);
        Assert.Contains(report.Ops[0].Diagnostics, d => d.Rule == "free_irq" && d.Message.Contains("already-free IRQ 40"));
        Assert.Equal("-EINVAL", report.Ops[1].Result);
        Assert.True(report.Drained);
    }

    [Fact]
    public void Resolve_maps_variables_and_failed_producers()
    {
        var call = new ProgramLine(null, "request_irq", [ProgramArg.Var(ArgKind.Irq, "irq0")]);
        Assert.Equal(33, ProgramRunner.Resolve(call, new Dictionary<string, long> { ["irq0"] = 33 })[0]);
        Assert.Equal(-1, ProgramRunner.Resolve(call, new Dictionary<string, long>())[0]);
    }
}
