using IrqVerify.Traces.Format;

namespace IrqVerify.Traces.Tests;

public class TraceParserTests
{
    [Fact]
    public void Parses_lines_with_and_without_the_flags_column_and_odd_task_names()
    {
        var t = TraceParser.Parse("t.trace",
        [
            "# entries-in-buffer/entries-written: 2/2   #P:2",
            "RequestBuilder -32726   [000] dNs1.  1761.197816: vector_free_moved: irq=34 cpu=0 vector=42 is_managed=0",
            "  <idle>-0     [001]  12.5: irq_matrix_reserve: online_maps=2 global_avl=388, global_rsvd=2, total_alloc=17",
            "  bash-1 [000] ..... 1.0: local_timer_entry: vector=236",
        ]);
        Assert.Equal(2, t.Cpus);
        Assert.Equal(2, t.Events.Count);
        Assert.Equal(1, t.Ignored);
        Assert.Equal("RequestBuilder", t.Events[0].Task);
        Assert.Equal("42", t.Events[0].Fields["vector"]);
        Assert.Equal(1, t.Events[1].Cpu);
        Assert.Equal("388", t.Events[1].Fields["global_avl"]);
        Assert.Equal(0xeb, t.AllocEnd);
    }

    [Fact]
    public void Reads_the_recorders_header_and_markers()
    {
        var t = TraceParser.Parse("t.trace",
        [
            "# kernel: 6.18.44-fc-v1045",
            "# cpus: 4",
            "# matrix: bits=256 window=0x20-0xec",
            " x-5 [003] ...1. 1.0: tracing_mark_write: irqverify default_affinity cpus=0,1,3",
        ]);
        Assert.Equal("6.18.44-fc-v1045", t.Kernel);
        Assert.Equal(4, t.Cpus);
        Assert.Equal(0xec, t.AllocEnd);
        Assert.Equal("0,1,3", t.Events[0].Fields["cpus"]);
    }

    [Fact]
    public void A_trace_without_a_cpu_count_is_malformed()
    {
        var e = Assert.Throws<TraceFormatException>(() => TraceParser.Parse("t.trace", ["# tracer: nop"]));
        Assert.Equal("t.trace:1: CPU count unknown: no '# cpus: N' header and no ftrace '#P:N'", e.Message);
    }
}
