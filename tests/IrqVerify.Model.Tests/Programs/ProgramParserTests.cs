using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Model.Tests.Programs;

public class ProgramParserTests
{
    /// <summary>A small vocabulary covering every argument kind, independent of the subsystems.</summary>
    private static OpCatalog Catalog()
    {
        var c = new OpCatalog();
        static IEnumerable<Sched> Nop(OpResult r) { r.Set(7); yield break; }
        c.Add(new OpSpec("alloc", [ParamSpec.Device(), ParamSpec.Int("min"), ParamSpec.Int("max"), ParamSpec.Flags("flags", "msix", "msi", "intx", "affinity")], ResultKind.Int, -1, (m, a, r) => Nop(r), "alloc"));
        c.Add(new OpSpec("vec", [ParamSpec.Device(), ParamSpec.Int("nr")], ResultKind.Irq, -1, (m, a, r) => Nop(r), "vec"));
        c.Add(new OpSpec("req", [ParamSpec.Irq()], ResultKind.None, -1, (m, a, r) => Nop(r), "req"));
        c.Add(new OpSpec("aff", [ParamSpec.Irq(), ParamSpec.Mask()], ResultKind.None, -1, (m, a, r) => Nop(r), "aff"));
        c.Add(new OpSpec("bind", [ParamSpec.Word("abi", "2l", "fifo")], ResultKind.Port, -1, (m, a, r) => Nop(r), "bind"));
        c.Add(new OpSpec("send", [ParamSpec.Port()], ResultKind.None, -1, (m, a, r) => Nop(r), "send"));
        return c;
    }

    private static IrqProgram Parse(string text) => new ProgramParser(Catalog(), MachineConfig.Default()).ParseText(text, "p.irq");

    private static ModelInputException ParseError(string text) => Assert.Throws<ModelInputException>(() => Parse(text));

    [Fact]
    public void Canonical_text_round_trips_exactly()
    {
        const string text = "# seed 000\nn = alloc(dev1, 1, 8, msix|affinity)\nirq0 = vec(dev1, 0)\n\nreq(irq0)\naff(irq0, {0-2,5})\np = bind(2l)\nsend(p)\nreq(33)\n";
        var p = Parse(text);
        Assert.Equal(text, p.Print());
        Assert.True(Parse(p.Print()).StructurallyEquals(p));
        Assert.Equal(7, p.CallCount);
    }

    [Fact]
    public void Flags_print_in_canonical_order_and_hex_literals_parse()
    {
        var p = Parse("n = alloc(dev0, 0x1, 0x10, affinity | msix)\n");
        Assert.Equal("n = alloc(dev0, 1, 16, msix|affinity)\n", p.Print());
        var arg = p.Lines[0].Args[3];
        Assert.Equal(0b1001, arg.Value);
        Assert.Equal(0, p.Lines[0].Args[0].Value);
    }

    [Theory]
    [InlineData("frob(1)\n", 1, 1, "unknown operation 'frob'")]
    [InlineData("req(irq9)\n", 1, 5, "undefined variable 'irq9'")]
    [InlineData("n = alloc(dev7, 1, 2, msi)\n", 1, 11, "unknown device 'dev7'")]
    [InlineData("n = alloc(dev1, 1, 2, msx)\n", 1, 23, "unknown flag 'msx'")]
    [InlineData("n = alloc(dev1, 1, 2)\n", 1, 21, "takes 4 argument(s)")]
    [InlineData("\naff(1, {3-1})\n", 2, 8, "bad cpumask")]
    [InlineData("req(1) x\n", 1, 8, "unexpected text")]
    [InlineData("x = req(1)\n", 1, 1, "produces no result")]
    [InlineData("n = alloc(dev1, 1, 2, msi)\nreq(n)\n", 2, 5, "holds int, expected irq")]
    [InlineData("p = bind(3l)\n", 1, 10, "'3l' is not one of 2l|fifo")]
    public void Errors_name_line_column_and_problem(string text, int line, int col, string problem)
    {
        var e = ParseError(text);
        Assert.Equal("p.irq", e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(col, e.Column);
        Assert.Contains(problem, e.Problem);
        Assert.StartsWith($"p.irq:{line}:{col}: ", e.Message);
    }
}
