using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Verdict;

namespace IrqVerify.Model.Tests.Programs;

/// <summary>expect lines and dump(): parsing, exact printing, evaluation where they stand, and the
/// report of a false one through the one verdict path.</summary>
public class ExpectationTests
{
    private const string Msix = "n = pci_alloc_irq_vectors(dev1, 1, 2, msix)\ni = pci_irq_vector(dev1, 0)\n";

    private static IrqProgram Parse(string text) => ProgramParser.Parse(text, "t.irq");

    [Fact]
    public void Expect_and_dump_lines_round_trip_exactly()
    {
        const string text = Msix +
            "expect result == 24\nexpect irq(i).activated\nexpect irq(24).depth != 1\nexpect irq(i).affinity == {0-3}\n" +
            "expect matrix.cpu(0).allocated >= 1\nexpect matrix.total_allocated < 5\nexpect n > 0\nexpect result == -EINVAL\n" +
            "dump()\nexpect vcpu(1).upcall_pending == false\nexpect port(3).pending\nexpect vector.dropped <= 0\n";
        var p = Parse(text);
        Assert.Equal(text, p.Print());
        Assert.True(Parse(p.Print()).StructurallyEquals(p));
        Assert.Equal(2, p.CallCount);
        Assert.Equal(new ExpectState("irq", new ExpectVariable("i"), "depth", ExpectType.Int), Parse(Msix + "expect irq(i).depth == 0\n").Lines[2].Expect!.Left);
    }

    [Fact]
    public void Spacing_and_hex_print_canonically()
    {
        var p = Parse(Msix + "expect   irq( i ).depth==0x1\n");
        Assert.Equal("expect irq(i).depth == 1", p.Lines[2].Print());
    }

    [Theory]
    [InlineData("expect irq(i).depht == 1\n", 3, 15, "irq has no field 'depht'")]
    [InlineData("expect irq(j).depth == 1\n", 3, 12, "undefined variable 'j'")]
    [InlineData("expect irq(i).depth\n", 3, 20, "not a boolean")]
    [InlineData("expect irq(i).started == 1\n", 3, 26, "'1' is an integer, 'irq(i).started' is a boolean")]
    [InlineData("expect irq(i).started < true\n", 3, 23, "compare only with == or !=")]
    [InlineData("expect irq(i).depth == -EWHAT\n", 3, 24, "unknown errno '-EWHAT'")]
    [InlineData("expect matrix(0).global_available == 1\n", 3, 8, "'matrix' takes no number")]
    [InlineData("expect irq.depth == 1\n", 3, 8, "'irq' needs a number")]
    [InlineData("expect irq(i).depth = 1\n", 3, 21, "expected a comparison")]
    [InlineData("expect irq(i).depth == 1 2\n", 3, 26, "unexpected text")]
    [InlineData("dump(1)\n", 3, 6, "expected ')'")]
    public void Bad_expectations_are_bad_input_naming_line_and_column(string line, int lineNo, int col, string problem)
    {
        var e = Assert.Throws<ModelInputException>(() => Parse(Msix + line));
        Assert.Equal(lineNo, e.Line);
        Assert.Equal(col, e.Column);
        Assert.Contains(problem, e.Problem);
    }

    [Fact]
    public void Expectations_are_checked_where_they_stand_not_after_the_drain()
    {
        var (_, r) = ProgramKit.Run(Msix + "request_irq(i)\ndisable_irq(i)\nexpect irq(i).depth == 1\nexpect result == 1\nenable_irq(i)\nexpect irq(i).depth == 0\nexpect irq(i).started\n");
        Assert.True(r.Ok, string.Join("\n", r.Violations));
    }

    [Fact]
    public void A_false_expectation_names_file_line_expected_and_actual_and_is_never_excused()
    {
        var (_, r) = ProgramKit.Run(Msix + "request_irq(i)\nexpect irq(i).depth >= 1\nfree_irq(i)\nfree_irq(i)\nexpect irq(i).started\n");
        var found = r.Violations.Where(v => v.Violation.Id == ExpectationCheck.Id).ToList();
        Assert.Equal(2, found.Count);
        Assert.Equal("t.irq:4: expect irq(i).depth >= 1: expected >= 1, actual 0", found[0].Violation.Message);
        Assert.Equal(4, found[0].Line);
        // After the program's own misuse (the second free_irq) the expectation still fails the run.
        Assert.Equal("t.irq:7: expect irq(i).started: expected true, actual false", found[1].Violation.Message);
        Assert.All(found, f => Assert.Equal(FindingClass.Expectation, f.Class.Class));
        Assert.All(found, f => Assert.True(f.Fails(strict: false)));
        Assert.Equal("EXPECTATION FAILED t.irq:4: expect irq(i).depth >= 1: expected >= 1, actual 0", found[0].Labelled());
    }

    [Fact]
    public void Missing_objects_fail_with_the_reason_as_actual()
    {
        var (_, r) = ProgramKit.Run("expect irq(300).depth == 0\n");
        Assert.Equal("t.irq:1: expect irq(300).depth == 0: expected 0, actual no irq 300", Assert.Single(r.Violations).Violation.Message);
    }

    [Fact]
    public void Run_exits_1_naming_the_line_and_dump_prints_the_state_where_it_stands()
    {
        string dir = Path.Combine(Path.GetTempPath(), "irqverify-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string f = Path.Combine(dir, "x.irq");
        File.WriteAllText(f, Msix + "request_irq(i)\ndisable_irq(i)\ndump()\nexpect irq(i).depth == 2\n");
        var o = new StringWriter();
        int code = IrqVerify.Cli.Program.Run(["run", f], o, new StringWriter());
        string text = o.ToString();
        Assert.Equal(1, code);
        Assert.Contains($"EXPECTATION FAILED {f}:6: expect irq(i).depth == 2: expected 2, actual 1", text);
        Assert.Contains("FAIL: 1 finding(s) of EXPECT", text);
        int at = text.IndexOf("== state at line 5 ==", StringComparison.Ordinal);
        Assert.True(at > 0, text);
        Assert.Contains("irq 24: pcimsi 1/0 chip=PCI-MSI handler depth=1 activated started masked", text[at..]);
        Directory.Delete(dir, true);
    }
}
