namespace IrqVerify.Traces.Tests;

/// <summary>A malformed trace is bad input: one line "file:line: problem" and exit 2.</summary>
public sealed class MalformedTraceTests : IDisposable
{
    private readonly List<string> _files = new();

    public void Dispose() => TraceKit.Delete(_files);

    private void AssertBadInput(Func<List<string>, (List<string> Lines, int Line)> edit, string problem)
    {
        int line = -1;
        string path = TraceKit.Mutated(TraceKit.RngTrace, l => { var r = edit(l); line = r.Line; return r.Lines; });
        _files.Add(path);
        var (code, output, err) = TraceKit.Cli("trace", "check", path);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"{path}:{line}: {problem}" + Environment.NewLine, err);
    }

    [Fact]
    public void A_line_that_is_not_an_event_names_file_and_line()
    {
        AssertBadInput(l =>
        {
            int at = TraceKit.Find(l, 0, "irq_matrix_free:");
            l.Insert(at, "garbage in the middle");
            return (l, at + 1);
        }, "not an ftrace event line: garbage in the middle");
    }

    [Fact]
    public void A_missing_field_names_file_and_line()
    {
        AssertBadInput(l =>
        {
            int at = TraceKit.Find(l, 0, "irq_matrix_alloc:");
            l[at] = l[at][..l[at].IndexOf(" total_alloc=", StringComparison.Ordinal)];
            return (l, at + 1);
        }, "irq_matrix_alloc: missing field 'total_alloc'");
    }

    [Fact]
    public void A_field_that_is_not_a_number_names_file_and_line()
    {
        AssertBadInput(l =>
        {
            int at = TraceKit.Find(l, 0, "vector_clear:");
            l[at] = l[at].Replace("vector=35", "vector=x35", StringComparison.Ordinal);
            return (l, at + 1);
        }, "vector_clear: field 'vector' is not an integer: 'x35'");
    }

    [Fact]
    public void A_cpu_beyond_the_header_names_file_and_line()
    {
        AssertBadInput(l =>
        {
            int at = TraceKit.Find(l, 0, "irq_matrix_free:", "cpu=1");
            l[at] = l[at].Replace("cpu=1", "cpu=7", StringComparison.Ordinal);
            return (l, at + 1);
        }, "cpu=7 but the trace has 2 CPUs");
    }

    [Fact]
    public void A_bit_outside_the_matrix_names_file_and_line()
    {
        AssertBadInput(l =>
        {
            int at = TraceKit.Find(l, 0, "irq_matrix_free:", "bit=36");
            l[at] = l[at].Replace("bit=36", "bit=300", StringComparison.Ordinal);
            return (l, at + 1);
        }, "bit=300 lies outside the matrix of 256 bits");
    }

    [Fact]
    public void A_negative_cpu_names_file_and_line()
    {
        AssertBadInput(l =>
        {
            int at = TraceKit.Find(l, 0, "irq_matrix_free:", "cpu=1");
            l[at] = l[at].Replace("cpu=1", "cpu=-1", StringComparison.Ordinal);
            return (l, at + 1);
        }, "cpu=-1 but the trace has 2 CPUs");
    }

    [Fact]
    public void A_missing_file_is_bad_input()
    {
        string path = Path.Combine(Path.GetTempPath(), "irqverify-no-such-" + Guid.NewGuid().ToString("N") + ".trace");
        var (code, _, err) = TraceKit.Cli("trace", "check", path);
        Assert.Equal(2, code);
        Assert.StartsWith($"{path}:0: cannot read: ", err);
    }
}
