using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Model.Tests.Snapshot;

/// <summary>
/// The fast paths (allocated-irq bitmap, live chip-data bitmap, allocation-free enumerators, hashing
/// runs of free descriptors at once) visit exactly what the plain scans of the whole tables visit.
/// </summary>
public class FastPathEquivalenceTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(511)]
    public void AddZeros_equals_repeated_zero_words(int n)
    {
        foreach (bool started in new[] { false, true })
        {
            var a = new StateHasher();
            var b = new StateHasher();
            if (started) { a.Add(42); b.Add(42); }
            for (int i = 0; i < n; i++) a.Add(0UL);
            b.AddZeros(n);
            Assert.Equal(a.Value, b.Value);
        }
    }

    private static ulong Sparse(ulong[] words, ulong background)
    {
        var h = new StateHasher();
        h.AddSparse<ulong>(words, background);
        return h.Value;
    }

    [Fact]
    public void AddSparse_tells_apart_every_single_word_change_of_a_64_word_bitmap()
    {
        // Every array that differs from the all-background one in one word, at each position, with a
        // bit at each end of the word: all distinct, and distinct from the background itself.
        foreach (ulong background in new[] { 0UL, ulong.MaxValue })
        {
            var seen = new HashSet<ulong> { Sparse(Enumerable.Repeat(background, 64).ToArray(), background) };
            for (int w = 0; w < 64; w++)
                foreach (ulong flip in new[] { 1UL, 1UL << 63, 0x5555UL })
                {
                    var a = Enumerable.Repeat(background, 64).ToArray();
                    a[w] ^= flip;
                    Assert.True(seen.Add(Sparse(a, background)), $"word {w} flip {flip:x} collides");
                }
            Assert.Equal(1 + 64 * 3, seen.Count);
        }
    }

    [Fact]
    public void AddSparse_depends_on_the_length_and_on_what_follows()
    {
        Assert.NotEqual(Sparse(new ulong[4], 0), Sparse(new ulong[5], 0));
        var h1 = new StateHasher(); h1.AddSparse<ulong>(new ulong[] { 0, 7 }, 0); h1.Add(1);
        var h2 = new StateHasher(); h2.AddSparse<ulong>(new ulong[] { 0, 7 }, 0); h2.Add(2);
        Assert.NotEqual(h1.Value, h2.Value);
    }

    private static Machine Busy()
    {
        var m = new Machine(MachineConfig.Default());
        string text = SnapshotTests.Mixed[..SnapshotTests.Mixed.IndexOf("xen_set_abi", StringComparison.Ordinal)];
        ProgramRunner.Run(m, ProgramParser.Parse(text, "mixed"), new RunOptions { CheckRefinement = false, Drain = false });
        return m;
    }

    [Fact]
    public void Fast_iterations_visit_what_the_full_scans_visit()
    {
        foreach (var m in new[] { new Machine(MachineConfig.Default()), Busy() })
        {
            Assert.Equal(m.Irqs.All.Where(d => d.Allocated).Select(d => d.Irq), Collect(m.Irqs.AllocatedDescs()));
            var live = new List<int>();
            foreach (var a in m.Vector.LiveApic()) live.Add(a.Irq);
            Assert.Equal(m.Vector.ApicTable.Where(a => a is not null).Select(a => a!.Irq), live);
            var x = m.Xen!;
            Assert.Equal(x.Infos.Where(i => i is { Freed: false }).Select(i => i!.Irq), x.LiveInfos().Select(i => i.Irq));
            var maps = new List<(int, int)>();
            for (int p = 0; p < x.EvtchnToIrq.Capacity; p++)
                if (x.EvtchnToIrq.Get(p) >= 0) maps.Add((p, x.EvtchnToIrq.Get(p)));
            Assert.Equal(maps, x.EvtchnToIrq.Mappings().Select(t => (t.Port, t.Irq)));
            var h = new StateHasher();
            foreach (var d in m.Irqs.All) d.Hash(ref h);
            var fast = new StateHasher();
            m.Irqs.Hash(ref fast);
            Assert.Equal(h.Value, fast.Value);
        }
        Assert.NotEmpty(Collect(Busy().Irqs.AllocatedDescs()));
    }

    private static List<int> Collect(Irq.IrqDescTable.AllocatedEnumerator e)
    {
        var l = new List<int>();
        foreach (var d in e) l.Add(d.Irq);
        return l;
    }
}
