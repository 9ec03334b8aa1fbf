namespace IrqVerify.Traces.Tests;

/// <summary>Copies of a real trace with one counter altered, one event dropped or one vector changed are caught (exit 1).</summary>
public sealed class MutatedTraceTests : IDisposable
{
    private readonly List<string> _files = new();

    public void Dispose() => TraceKit.Delete(_files);

    private (int Code, string Out, string Path) CheckMutated(Func<List<string>, List<string>> edit)
    {
        string path = TraceKit.Mutated(TraceKit.RngTrace, edit);
        _files.Add(path);
        var (code, output, _) = TraceKit.Cli("trace", "check", path);
        return (code, output, path);
    }

    [Fact]
    public void An_altered_global_counter_is_reported_at_its_line()
    {
        int at = -1;
        var (code, output, path) = CheckMutated(l =>
        {
            at = TraceKit.Find(l, 1, "irq_matrix_alloc:", "bit=36");
            l[at] = l[at].Replace("total_alloc=18", "total_alloc=19", StringComparison.Ordinal);
            return l;
        });
        Assert.Equal(1, code);
        Assert.Contains($"DIVERGENCE at {path}:{at + 1}: counters after irq_matrix_alloc on CPU0", output);
        Assert.Contains("  kernel: total_alloc=19", output);
        Assert.Contains("  model:  total_alloc=18", output);
        Assert.EndsWith($"replay: irqverify trace check {path}" + Environment.NewLine, output);
    }

    [Fact]
    public void An_altered_per_cpu_counter_is_reported_at_its_line()
    {
        int at = -1;
        var (code, output, path) = CheckMutated(l =>
        {
            at = TraceKit.Find(l, 0, "irq_matrix_free:", "bit=42");
            l[at] = l[at].Replace("avl=193", "avl=192", StringComparison.Ordinal);
            return l;
        });
        Assert.Equal(1, code);
        Assert.Contains($"DIVERGENCE at {path}:{at + 1}: counters after irq_matrix_free on CPU0", output);
        Assert.Contains("  kernel: avl=192", output);
        Assert.Contains("  model:  avl=193", output);
    }

    [Fact]
    public void A_counter_altered_in_the_first_event_skews_the_reconstruction_and_is_caught_later()
    {
        int first = -1, next = -1;
        var (code, output, path) = CheckMutated(l =>
        {
            first = TraceKit.Find(l, 0, "irq_matrix_free:", "cpu=1");
            next = TraceKit.Find(l, 0, "irq_matrix_alloc:", "cpu=1");
            l[first] = l[first].Replace(" alloc=9 ", " alloc=8 ", StringComparison.Ordinal);
            return l;
        });
        Assert.Equal(1, code);
        Assert.Contains($"DIVERGENCE at {path}:{next + 1}: counters after irq_matrix_alloc on CPU1", output);
        Assert.Contains("  kernel: alloc=10", output);
        Assert.Contains("  model:  alloc=9", output);
    }

    [Fact]
    public void A_dropped_matrix_free_is_caught_by_the_vector_clear_that_announced_it()
    {
        int clear = -1, reserve = -1;
        var (code, output, path) = CheckMutated(l =>
        {
            int free = TraceKit.Find(l, 1, "irq_matrix_free:", "bit=36");
            clear = free - 1;
            l.RemoveAt(free);
            reserve = free; // the irq_matrix_reserve that followed moves up into its place
            return l;
        });
        Assert.Equal(1, code);
        Assert.Contains($"DIVERGENCE at {path}:{reserve + 1}: vector_clear at line {clear + 1} announces", output);
        Assert.Contains("  kernel: irq_matrix_free cpu=0 bit=36", output);
        Assert.Contains("  model:  irq_matrix_reserve" + Environment.NewLine, output);
    }

    [Fact]
    public void A_dropped_matrix_reserve_is_caught_by_the_vector_reserve_after_it()
    {
        int vreserve = -1;
        var (code, output, path) = CheckMutated(l =>
        {
            int r = TraceKit.Find(l, 3, "irq_matrix_reserve:");
            l.RemoveAt(r);
            vreserve = r;
            return l;
        });
        Assert.Equal(1, code);
        Assert.Contains($"DIVERGENCE at {path}:{vreserve + 1}: vector_reserve without the irq_matrix_reserve before it", output);
    }

    [Fact]
    public void A_changed_vector_in_vector_alloc_is_caught()
    {
        int at = -1;
        var (code, output, path) = CheckMutated(l =>
        {
            at = TraceKit.Find(l, 0, "vector_alloc:", "vector=42");
            l[at] = l[at].Replace("vector=42", "vector=43", StringComparison.Ordinal);
            return l;
        });
        Assert.Equal(1, code);
        Assert.Contains($"DIVERGENCE at {path}:{at + 1}: vector_alloc vector vs irq_matrix_alloc bit", output);
        Assert.Contains("  kernel: vector 43", output);
        Assert.Contains("  model:  bit 42", output);
    }

    [Fact]
    public void A_vector_changed_consistently_everywhere_is_caught_by_the_models_own_choice()
    {
        // The second rebind allocates irq 33's vector again; the first rebind already showed the
        // slots below it, so the model's choice is determined and must be the kernel's 36.
        int at = -1;
        var (code, output, path) = CheckMutated(l =>
        {
            at = TraceKit.Find(l, 1, "irq_matrix_alloc:", "bit=36");
            l[at] = l[at].Replace("bit=36", "bit=37", StringComparison.Ordinal);
            for (int i = at + 1; i <= at + 3; i++) l[i] = l[i].Replace("vector=36", "vector=37", StringComparison.Ordinal);
            return l;
        });
        Assert.Equal(1, code);
        Assert.Contains($"DIVERGENCE at {path}:{at + 1}: irq_matrix_alloc vector choice on CPU0", output);
        Assert.Contains("  kernel: vector 37", output);
        Assert.Contains("  model:  vector 36", output);
    }
}
