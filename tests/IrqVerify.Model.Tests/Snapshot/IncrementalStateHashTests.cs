using IrqVerify.Model.Program;
using IrqVerify.Testing;

namespace IrqVerify.Model.Tests.Snapshot;

/// <summary>The explorer's incremental state hash equals the full <see cref="Machine.StateHash"/>
/// after every step of random programs (reference model and variants; PCI-only, 2-level and FIFO
/// Xen machines), across Restore, and reuses the parts a step did not change.</summary>
public class IncrementalStateHashTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("K10")]
    [InlineData("K13")]
    [InlineData("K6")]
    public void Incremental_and_full_state_hashes_agree_after_every_step(string? variant)
    {
        var variants = new Variants();
        if (variant is not null) Assert.True(variants.TryEnable(variant));
        long steps = 0, reused = 0;
        var hashes = new HashSet<ulong>();
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var r = new Rng(seed * 104729);
            var cfg = (seed % 3) switch
            {
                0 => MachineGenerator.Generate(r, MachineProfile.Default with { NoXen = true, XenPercent = 0 }),
                _ => MachineGenerator.Generate(r, MachineProfile.Default with { XenPercent = 100 }),
            };
            if (cfg.Xen is { } x) x.Abi = seed % 3 == 1 ? "2l" : "fifo";
            var m = new Machine(cfg, variants);
            var boot = m.Snapshot();
            var incremental = new IncrementalStateHash();
            m.AfterStep = _ =>
            {
                ulong full = m.StateHash();
                Assert.Equal(full, incremental.Hash(m));
                hashes.Add(full);
                steps++;
            };
            for (ulong k = 0; k < 2; k++)
            {
                m.Restore(boot);
                Assert.Equal(m.StateHash(), incremental.Hash(m));
                var p = ProgramGenerator.Generate(cfg, variants, new Rng(seed * 2 + k), 25, seed % 3 == 0 ? ProgramProfile.Pci : ProgramProfile.Default);
                ProgramRunner.Run(m, p, new RunOptions { CheckEveryStep = false, CheckRefinement = false, Checks = [] });
            }
            m.AfterStep = null;
            reused += incremental.Reused;
        }
        Assert.True(steps > 1000, $"only {steps} steps");
        Assert.True(hashes.Count > 100, $"only {hashes.Count} distinct states");
        Assert.True(reused > steps, "most steps leave most parts alone");
    }

    [Fact]
    public void A_change_through_a_setter_changes_both_hashes_and_a_restore_brings_both_back()
    {
        var m = new Machine(MachineConfig.Default());
        var incremental = new IncrementalStateHash();
        ulong boot = incremental.Hash(m);
        Assert.Equal(m.StateHash(), boot);
        var snap = m.Snapshot();
        m.Xen!.Hv.UpcallPending[1] = true;
        ulong changed = incremental.Hash(m);
        Assert.NotEqual(boot, changed);
        Assert.Equal(m.StateHash(), changed);
        m.Restore(snap);
        Assert.Equal(boot, incremental.Hash(m));
    }
}
