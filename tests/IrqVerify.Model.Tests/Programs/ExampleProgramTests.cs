using IrqVerify.Model.Program;

namespace IrqVerify.Model.Tests.Programs;

public class ExampleProgramTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "examples"), "*.irq").Order())
            data.Add(Path.GetFileName(f));
        return data;
    }

    private static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", name));

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_runs_clean_on_the_reference_model(string name)
    {
        var m = new IrqVerify.Model.Machine(MachineConfig.Default());
        var report = ProgramRunner.Run(m, ProgramParser.Parse(Read(name), name));
        Assert.True(report.Ok, string.Join("\n", report.Violations));
        Assert.True(report.Drained);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_text_round_trips_exactly(string name)
    {
        string text = Read(name);
        Assert.Equal(text, ProgramParser.Parse(text, name).Print());
    }

    [Fact]
    public void Seed000_unwinds_to_baseline_and_reenables_the_full_count()
    {
        var m = new IrqVerify.Model.Machine(MachineConfig.Default());
        int baselineAvailable = m.Matrix.GlobalAvailable;
        var report = ProgramRunner.Run(m, ProgramParser.Parse(Read("msix-request-fails-unwind.irq"), "seed000"));
        Assert.Equal("4", report.Ops.Single(o => o.Call.Bind == "n").Result);
        Assert.Equal("-ENOMEM", report.Ops.Single(o => o.Call.Print() == "request_irq(irq1)").Result);
        Assert.Equal("4", report.Ops.Single(o => o.Call.Bind == "n2").Result);
        Assert.Equal(baselineAvailable, m.Matrix.GlobalAvailable);
        Assert.Equal(0, m.Matrix.GlobalReserved);
        Assert.Equal(0, m.Matrix.TotalAllocated);
    }

    [Fact]
    public void Seed002_rebind_with_pending_event_handles_it_exactly_once()
    {
        var m = new IrqVerify.Model.Machine(MachineConfig.Default());
        var text = Read("xen-rebind-pending.irq").Replace("unbind_from_irqhandler(irq)\n", "");
        var report = ProgramRunner.Run(m, ProgramParser.Parse(text, "seed002"));
        Assert.True(report.Ok, string.Join("\n", report.Violations));
        int irq = int.Parse(report.Ops.Single(o => o.Call.Bind == "irq").Result);
        // two sends, each handled once: the first after the rebind, the second on vCPU1
        Assert.Equal(2, m.Irqs[irq]!.Invocations);
    }
}
