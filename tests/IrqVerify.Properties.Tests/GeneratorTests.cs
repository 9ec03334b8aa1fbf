using IrqVerify.Model;
using IrqVerify.Model.Program;
using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>Generators: deterministic, valid machines, well-typed programs, seed weighting, misuse share.</summary>
public class GeneratorTests
{
    private static IEnumerable<Scenario> Sample(int n, ProgramProfile? p = null, MachineProfile? mp = null) =>
        Enumerable.Range(1, n).Select(i => ScenarioGenerator.Generate((ulong)i * 7919, 30, p, mp));

    [Fact]
    public void Same_seed_gives_the_same_scenario_text()
    {
        var a = ScenarioGenerator.Generate(42, 30);
        var b = ScenarioGenerator.Generate(42, 30);
        Assert.Equal(a.ToString(), b.ToString());
        Assert.Equal(a.Machine.ToJson(), b.Machine.ToJson());
        Assert.NotEqual(a.ToString(), ScenarioGenerator.Generate(43, 30).ToString());
    }

    [Fact]
    public void Machines_are_valid_with_1_to_8_CPUs_tiny_windows_varied_devices_and_both_Xen_ABIs()
    {
        var ms = Enumerable.Range(1, 300).Select(i => MachineGenerator.Generate(new Rng((ulong)i))).ToList();
        foreach (var m in ms) m.Validate(m.Name);
        Assert.Equal(1, ms.Min(m => m.Cpus));
        Assert.Equal(8, ms.Max(m => m.Cpus));
        Assert.Contains(ms, m => m.VectorEnd - m.VectorStart <= 8);
        Assert.Contains(ms, m => m.Devices.Any(d => d.Msi is { Mmc: >= 3 } && !d.Remapped));
        Assert.Contains(ms, m => m.Devices.Any(d => d.Msi is { Mmc: >= 3 } && d.Remapped));
        Assert.Contains(ms, m => m.Devices.Any(d => d.Msix is not null && d.Msi is null));
        Assert.Contains(ms, m => m.Xen is { Abi: "2l" });
        Assert.Contains(ms, m => m.Xen is { Abi: "fifo" });
        Assert.Contains(ms, m => m.Remapping is null);
    }

    [Fact]
    public void Programs_are_well_typed_they_print_and_parse_back_exactly()
    {
        foreach (var s in Sample(150))
        {
            var text = s.Program.Print();
            var parsed = ProgramParser.Parse(text, "gen.irq", s.Machine);
            Assert.True(parsed.StructurallyEquals(s.Program), text);
            var defined = new HashSet<string>();
            foreach (var l in s.Program.Calls)
            {
                foreach (var a in l.Args) if (a.Variable is not null) Assert.Contains(a.Variable, defined);
                if (l.Bind is not null) defined.Add(l.Bind);
            }
        }
    }

    /// <summary>The peer suites' harness operations (KUnit's direct irq_startup_managed..., the KVM
    /// selftest's raw shared_info writes) are named only by hand-written programs: a generated program
    /// holding one would report what the harness broke as Linux's finding.</summary>
    [Fact]
    public void Programs_never_hold_a_peer_suite_harness_operation()
    {
        var harness = OpCatalog.Default.All.Where(o => o.PeerHarness).Select(o => o.Name).ToHashSet();
        Assert.Equal(8, harness.Count);
        var ops = Sample(300).SelectMany(s => s.Program.Calls.Select(c => c.Op)).ToHashSet();
        Assert.Empty(ops.Intersect(harness));
        Assert.Contains("evtchnop_send", ops);
        var named = Sample(20, new ProgramProfile { Ops = new HashSet<string> { "irq_startup_managed", "vector_alloc" } })
            .SelectMany(s => s.Program.Calls.Select(c => c.Op)).ToHashSet();
        Assert.Contains("irq_startup_managed", named);
    }

    [Fact]
    public void Programs_lean_on_the_seed_scenarios_and_carry_a_share_of_misuse()
    {
        var all = Sample(300).ToList();
        var ops = all.SelectMany(s => s.Program.Calls.Select(c => c.Op)).ToList();
        foreach (var op in new[] { "pci_alloc_irq_vectors", "fault_next_request_irq", "pci_free_irq_vectors", "xen_rebind", "xen_irq_lateeoi", "cpu_offline", "irq_set_affinity", "pci_msix_alloc_irq_at" })
            Assert.Contains(op, ops);
        Assert.True(ops.Distinct().Count() >= 35, $"only {ops.Distinct().Count()} distinct operations");
        int misuse = all.Count(s => s.Boot() is var m && new ProgramStepper(m) is var st && Run(st, s) && m.Diagnostics.Items.Any(d => d.Severity == Model.Core.Severity.Misuse));
        Assert.InRange(misuse, 15, 200);
    }

    private static bool Run(ProgramStepper st, Scenario s) { st.RunAll(s.Program); return true; }

    [Fact]
    public void The_well_behaved_profile_emits_no_misuse_fragment()
    {
        var wb = Sample(150, ProgramProfile.WellBehaved).ToList();
        int misuse = wb.Count(s => s.Boot() is var m && new ProgramStepper(m) is var st && Run(st, s) && m.Diagnostics.Items.Any(d => d.Severity == Model.Core.Severity.Misuse));
        int withMisuse = Sample(150).Count(s => s.Boot() is var m && new ProgramStepper(m) is var st && Run(st, s) && m.Diagnostics.Items.Any(d => d.Severity == Model.Core.Severity.Misuse));
        Assert.True(misuse < withMisuse, $"{misuse} well-behaved vs {withMisuse} default programs with misuse");
    }
}
