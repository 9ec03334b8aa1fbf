using IrqVerify.Traces.Check;
using IrqVerify.Traces.Format;

namespace IrqVerify.Traces.Tests;

/// <summary>Every trace recorded on a real kernel and shipped under models/traces agrees with the model.</summary>
public class ShippedTraceTests
{
    public static TheoryData<string> AllShipped()
    {
        var d = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(TraceKit.RepoRoot(), "models", "traces"), "*.trace").Order(StringComparer.Ordinal))
            d.Add(Path.GetFileName(f));
        return d;
    }

    [Theory]
    [MemberData(nameof(AllShipped))]
    public void Every_shipped_trace_agrees_and_names_its_kernel(string name)
    {
        var path = TraceKit.Shipped(name);
        var (code, output, err) = TraceKit.Cli("trace", "check", path);
        Assert.Equal("", err);
        Assert.Equal(0, code);
        Assert.Contains("agrees: the model matches the kernel on every checked value", output);
        var trace = TraceParser.ParseFile(path);
        Assert.False(string.IsNullOrEmpty(trace.Kernel));
        Assert.Contains(trace.Kernel!, File.ReadAllText(path).Split('\n')[1]);
    }

    [Theory]
    [InlineData(TraceKit.RngTrace, 24, 64, 144, 3, 3, 6, 46)]
    [InlineData(TraceKit.BalloonTrace, 50, 140, 280, 8, 2, 10, 90)]
    [InlineData(TraceKit.AfterHotplugTrace, 28, 72, 176, 5, 3, 8, 56)]
    public void Shipped_traces_check_these_many_values(string name, int matrix, int vector, int counters, int vecChecked, int vecLearned, int cpuChecked, int vectorEventChecks)
    {
        var r = TraceChecker.Check(TraceParser.ParseFile(TraceKit.Shipped(name)));
        Assert.Null(r.Divergence);
        Assert.Equal(matrix, r.MatrixEvents);
        Assert.Equal(matrix, r.Replayed);
        Assert.Equal(vector, r.VectorEvents);
        Assert.Equal(counters, r.CounterComparisons);
        Assert.Equal(vecChecked, r.VectorChoicesChecked);
        Assert.Equal(vecLearned, r.VectorChoicesLearned);
        Assert.Equal(cpuChecked, r.CpuChoicesChecked);
        Assert.Equal(vectorEventChecks, r.VectorEventChecks);
        Assert.Equal(matrix, r.InvariantRuns);
        Assert.Equal(17, r.InvariantsChecked.Count);
    }

    [Fact]
    public void Reconstruction_works_the_first_counters_back()
    {
        var r = TraceChecker.Check(TraceParser.ParseFile(TraceKit.Shipped(TraceKit.RngTrace)));
        Assert.Contains(r.Reconstruction, l => l.Contains("online_maps=2 global_avl=386 global_rsvd=1 total_alloc=19; CPU0 online=1 avl=193 alloc=9 managed=1; CPU1 online=1 avl=193 alloc=10 managed=1", StringComparison.Ordinal));
        Assert.Contains("managed_allocated (not traced) from the available formula: CPU0=0 CPU1=1", r.Reconstruction);
    }
}
