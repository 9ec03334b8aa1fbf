using IrqVerify.Model;
using IrqVerify.Model.Program;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>Program-level shrinking keeps programs well typed and reaches a handful of lines.</summary>
public class ShrinkerTests
{
    private static IrqProgram P(string text) => ProgramParser.Parse(text, "t.irq");

    [Fact]
    public void Dropping_a_producer_drops_its_consumers_transitively_or_rebinds_them()
    {
        var p = P("a = vector_alloc({0}, none)\nb = vector_alloc({1}, none)\nrequest_irq(b)\nfree_irq(b)\n");
        var calls = p.Calls.ToList();
        var dropped = ProgramShrinker.Repair(calls, 1, 1, rebind: false);
        Assert.Equal(["a = vector_alloc({0}, none)"], dropped.Select(l => l.Print()));
        var rebound = ProgramShrinker.Repair(calls, 1, 1, rebind: true);
        Assert.Equal(["a = vector_alloc({0}, none)", "request_irq(a)", "free_irq(a)"], rebound.Select(l => l.Print()));
    }

    [Fact]
    public void Candidates_are_well_typed_and_strictly_smaller()
    {
        var s = ScenarioGenerator.Generate(7, 40);
        foreach (var c in ProgramShrinker.Candidates(s.Program, s.Machine).Take(400))
        {
            var parsed = ProgramParser.Parse(c.Print(), "c.irq", s.Machine);
            Assert.True(parsed.CallCount <= s.Program.CallCount);
        }
    }

    [Fact]
    public void Arguments_simplify_towards_zero_one_CPU_the_first_device_and_fewer_flags()
    {
        var cfg = MachineConfig.Default();
        var p = P("n = pci_alloc_irq_vectors(dev1, 4, 8, msix|msi)\nirq_set_affinity(3, {1-3})\n");
        var c = ProgramShrinker.Candidates(p, cfg).Select(x => x.Print()).ToList();
        Assert.Contains("n = pci_alloc_irq_vectors(dev0, 4, 8, msix|msi)\nirq_set_affinity(3, {1-3})\n", c);
        Assert.Contains("n = pci_alloc_irq_vectors(dev1, 0, 8, msix|msi)\nirq_set_affinity(3, {1-3})\n", c);
        Assert.Contains("n = pci_alloc_irq_vectors(dev1, 4, 8, msi)\nirq_set_affinity(3, {1-3})\n", c);
        Assert.Contains("n = pci_alloc_irq_vectors(dev1, 4, 8, msix|msi)\nirq_set_affinity(3, {1})\n", c);
    }

    [Fact]
    public void A_long_failing_program_shrinks_to_the_two_lines_that_matter()
    {
        // "fails" = a request_irq that comes after a cpu_offline
        var s = ScenarioGenerator.Generate(11, 40);
        var prog = new IrqProgram(s.Program.Lines
            .Append(new ProgramLine(null, "cpu_offline", [new ProgramArg(ArgKind.Cpu, 1)]))
            .Append(new ProgramLine("z", "vector_alloc", [new ProgramArg(ArgKind.Mask, 1), new ProgramArg(ArgKind.Word, 0, null, "none")]))
            .Append(new ProgramLine(null, "request_irq", [ProgramArg.Var(ArgKind.Irq, "z")])).ToList());
        static bool Fails(IrqProgram p)
        {
            bool off = false;
            foreach (var l in p.Calls) { if (l.Op == "cpu_offline") off = true; if (off && l.Op == "request_irq") return true; }
            return false;
        }
        var (min, steps) = ProgramShrinker.Minimize(prog, s.Machine, Fails);
        Assert.True(steps > 0);
        Assert.Equal(3, min.CallCount); // cpu_offline, a producer of the irq, request_irq
        Assert.Equal("cpu_offline(0)", min.Calls.First().Print());
        Assert.Equal("request_irq", min.Calls.Last().Op);
    }
}
