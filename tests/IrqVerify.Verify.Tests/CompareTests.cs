using IrqVerify.Cli;
using IrqVerify.Model.Designs;
using IrqVerify.Testing.Designs;
using IrqVerify.Verify.Compare;

namespace IrqVerify.Verify.Tests;

/// <summary>`irqverify compare` on each seed debate: the design against Linux differs (exit 1) with the
/// counterexample and the capacity figures the debate was about; Linux against itself does not.</summary>
public class CompareTests
{
    private static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "irqverify-compare-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }

    private static CompareResult Compare(string design, long count) =>
        Comparison.Run(new CompareOptions { Design = DesignCatalog.Resolve(design), Count = count, Seed = 1, OutDir = TempDir() });

    private static CapacityRow Row(CompareResult r, string startsWith) => r.Capacity.Single(c => c.Figure.StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public void Seed_000_the_2004_contract_refuses_while_hooked_and_gives_the_vectors_back()
    {
        var r = Compare("msix-2004", 30);
        Assert.True(r.Differ);
        Assert.Equal(("-EBUSY, msix", "0, intx"), (Row(r, "pci_disable_msix").Left, Row(r, "pci_disable_msix").Right));
        // "asks for 10, frees them, gets fewer the next time": Linux gives dev1 everything and dev0
        // nothing; the per-device reservation gives dev0 its 10 back and dev1 nothing.
        var cycle = Row(r, "dev0 asks 10");
        Assert.Equal("10, then 10 (dev1 got -ENOSPC)", cycle.Left);
        Assert.Equal("10, then -ENOSPC (dev1 got 16)", cycle.Right);
        Assert.Equal("63/63/63/63 / 96 irqs", Row(r, "after the driver frees").Left);
        Assert.Equal("63/63/63/63 / 0 irqs", Row(r, "after the driver frees").Right);
        var oneSided = Assert.Single(r.OneSided, o => o.Report.Invariants.SequenceEqual(["I-P9", "REFINE"]));
        Assert.Equal("msix-2004", oneSided.Side);
        Assert.Contains("pci_free_irq_vectors(dev0)", oneSided.Report.Counterexample);
        Assert.Contains("--design msix-2004", oneSided.Report.Replay);
    }

    [Fact]
    public void Seed_001_contiguous_blocks_shrink_with_each_CPU_offline_and_break_on_hot_unplug()
    {
        var r = Compare("contiguous-multi-msi", 300);
        Assert.Equal(["32", "16", "8", "8"], r.Capacity.Where(c => c.Figure.StartsWith("largest multi-MSI", StringComparison.Ordinal)).Select(c => c.Left));
        Assert.All(r.Capacity.Where(c => c.Figure.StartsWith("largest multi-MSI", StringComparison.Ordinal)), c => Assert.Equal("1", c.Right));
        Assert.All(r.OneSided, o => Assert.Equal("contiguous-multi-msi", o.Side));
        Assert.Contains(r.OneSided, o => o.Report.Invariants.Contains("I-V8"));
        var diff = Assert.Single(r.Differences);
        Assert.Equal(("pci_alloc_irq_vectors(dev0, 1, 2, msi)", "2", "1"), (diff.Operation, diff.Left, diff.Right));
    }

    [Fact]
    public void Seed_002_one_shared_irq_cannot_give_channels_their_own_affinity()
    {
        var r = Compare("xen-shared-irq", 30);
        Assert.Equal("1 (511,511,511,511)", Row(r, "4 event channels").Left);
        Assert.Equal("4 (24,25,26,27)", Row(r, "4 event channels").Right);
        Assert.Equal(("4", "1"), (Row(r, "event channels moved").Left, Row(r, "event channels moved").Right));
        // The irq's info names one port; every other channel mapped onto it breaks the mapping (I-X1).
        var x1 = r.OneSided.First(o => o.Report.Invariants.Contains("I-X1"));
        Assert.Equal("xen-shared-irq", x1.Side);
        Assert.Contains("is bound to port", x1.Report.Messages.Single(m => m.StartsWith("I-X1:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Linux_against_itself_is_the_same_and_exits_0()
    {
        var o = new StringWriter();
        int code = Program.Run(["compare", "--design", "linux", "--budget", "20", "--out", TempDir()], o, new StringWriter());
        Assert.Equal(0, code);
        Assert.Contains("SAME: no difference between linux and linux", o.ToString());
    }

    [Fact]
    public void The_command_exits_1_and_writes_the_side_by_side_table_into_the_HTML_report()
    {
        string dir = TempDir();
        var o = new StringWriter();
        int code = Program.Run(["compare", "--design", "xen-shared-irq", "--budget", "20", "--report", dir], o, new StringWriter());
        Assert.Equal(1, code);
        Assert.Contains("re-run exactly this work: irqverify compare --design xen-shared-irq --against linux --seed 1 --budget 20", o.ToString());
        string html = File.ReadAllText(Path.Combine(dir, "index.html"));
        Assert.Contains("<section class=\"table\" id=\"capacity\">", html);
        Assert.Contains("<td>1 (511,511,511,511)</td><td>4 (24,25,26,27)</td>", html);
        Assert.Contains("data-verdict=\"failed\"", html);
    }

    [Fact]
    public void The_same_count_budget_gives_the_same_findings()
    {
        static string Work(CompareResult r) => string.Join("\n",
            r.OneSided.Select(o => $"{o.Side} {string.Join(",", o.Report.Invariants)} {o.Report.Counterexample}")
                .Concat(r.Differences.Select(d => $"{d.Kind} {d.Operation} {d.Left} {d.Right} {d.Program}"))
                .Concat(r.Capacity.Select(c => $"{c.Figure} {c.Left} {c.Right}")));
        Assert.Equal(Work(Compare("xen-shared-irq", 25)), Work(Compare("xen-shared-irq", 25)));
    }
}
