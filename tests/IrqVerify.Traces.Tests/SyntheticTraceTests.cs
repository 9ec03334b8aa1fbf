using IrqVerify.Traces.Check;
using IrqVerify.Traces.Format;

namespace IrqVerify.Traces.Tests;

/// <summary>
/// Small hand-written traces on a 4-slot window [0x20, 0x24): how unobserved slots become known,
/// and what the checker infers when no vector event says which irq an operation served.
/// </summary>
public class SyntheticTraceTests
{
    private const string Header = "# cpus: 1\n# matrix: bits=256 window=0x20-0x24\n";

    private static string Matrix(string op, int bit, int avl, int alloc, int total, int rsvd = 0) =>
        $" t-1 [000] d..2. 1.0: irq_matrix_{op}: bit={bit} cpu=0 online=1 avl={avl} alloc={alloc} managed=0 online_maps=1 global_avl={avl}, global_rsvd={rsvd}, total_alloc={total}";

    private static CheckResult Run(params string[] lines) =>
        TraceChecker.Check(TraceParser.Parse("s.trace", (Header + string.Join("\n", lines)).Split('\n')));

    [Fact]
    public void Once_every_occupied_slot_was_seen_the_rest_is_known_free_and_the_choice_is_checked()
    {
        // One vector allocated (at 0x23) and freed: the counters leave no occupied slot unseen.
        var r = Run(Matrix("free", 0x23, avl: 4, alloc: 0, total: 0), Matrix("alloc", 0x20, avl: 3, alloc: 1, total: 1));
        Assert.Null(r.Divergence);
        Assert.Equal(1, r.VectorChoicesChecked);
        Assert.Equal(0, r.VectorChoicesLearned);
        Assert.Contains(r.NotChecked, n => n.StartsWith("line 3 and later: managed flag of a free whose irq is unknown taken from the counters", StringComparison.Ordinal));
    }

    [Fact]
    public void A_choice_that_is_not_the_lowest_known_free_slot_diverges()
    {
        var r = Run(Matrix("free", 0x23, avl: 4, alloc: 0, total: 0), Matrix("alloc", 0x21, avl: 3, alloc: 1, total: 1));
        Assert.NotNull(r.Divergence);
        Assert.Equal(4, r.Divergence!.Line);
        Assert.Equal("irq_matrix_alloc vector choice on CPU0", r.Divergence.What);
        Assert.Equal("vector 33", r.Divergence.Expected);
        Assert.Equal("vector 32", r.Divergence.Actual);
    }

    [Fact]
    public void While_slots_below_are_unobserved_the_choice_is_learned_and_then_checked()
    {
        // Two of four slots occupied, positions unknown: the first alloc at 0x22 shows 0x20 and
        // 0x21 occupied; after freeing 0x22 the second alloc must take 0x22 again.
        var r = Run(
            Matrix("alloc", 0x22, avl: 1, alloc: 3, total: 3),
            Matrix("free", 0x22, avl: 2, alloc: 2, total: 2),
            Matrix("alloc", 0x22, avl: 1, alloc: 3, total: 3));
        Assert.Null(r.Divergence);
        Assert.Equal(1, r.VectorChoicesLearned);
        Assert.Equal(1, r.VectorChoicesChecked);
    }

    [Fact]
    public void A_duplicated_free_contradicts_what_the_model_knows()
    {
        var r = Run(Matrix("free", 0x23, avl: 4, alloc: 0, total: 0), Matrix("free", 0x23, avl: 5, alloc: -1, total: -1));
        Assert.NotNull(r.Divergence);
        Assert.Equal(4, r.Divergence!.Line);
        Assert.Equal("CPU0 vector 0x23 is known to be Free in the model, the kernel shows it a non-managed allocation", r.Divergence.Actual);
    }

    [Fact]
    public void A_layout_the_counters_cannot_hold_diverges()
    {
        // One occupied slot, but the kernel's alloc at 0x22 needs 0x20 and 0x21 occupied.
        var r = Run(Matrix("alloc", 0x22, avl: 2, alloc: 2, total: 2));
        Assert.NotNull(r.Divergence);
        Assert.Equal("CPU0 vector 0x21 must be below the chosen vector 0x22, not free, but the counters leave no unobserved slot of that kind", r.Divergence!.Actual);
    }
}
