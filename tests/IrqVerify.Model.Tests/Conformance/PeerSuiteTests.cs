using IrqVerify.Model.Program;

namespace IrqVerify.Model.Tests.Conformance;

/// <summary>
/// The peer suites translated into programs (models/conformance/): the kernel's KUnit irq tests and
/// the event-channel steps of KVM's Xen selftest. Every file runs with every check; its expect lines
/// are the peer's assertions, so a disagreement with the peer fails here.
/// </summary>
public class PeerSuiteTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "conformance");

    public static TheoryData<string> Programs()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Root, "*.irq", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Root, f).Replace('\\', '/'));
        return data;
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Peer_case_holds_on_the_model(string file)
    {
        string path = Path.Combine(Root, file);
        string text = File.ReadAllText(path);
        var m = new Machine(MachineConfig.Default());
        var prog = ProgramParser.Parse(text, file, m.Config);
        var r = ProgramRunner.Run(m, prog);
        Assert.True(r.Violations.Count == 0, $"{file}:\n  " + string.Join("\n  ", r.Violations.Select(v => v.Labelled())));
        Assert.Empty(m.Diagnostics.Items.Where(d => d.Severity != IrqVerify.Model.Core.Severity.Info).Select(d => d.ToString()));
        Assert.True(prog.Lines.Count(l => l.Expect is not null) >= 2, $"{file}: a peer case states its assertions as expect lines");
        string header = string.Concat(text.Split('\n').TakeWhile(l => l.StartsWith('#')));
        Assert.Contains("Linux 6.18", header);
        Assert.Contains(Path.GetFileNameWithoutExtension(file), header, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Every_kunit_case_of_irq_test_c_is_translated()
    {
        string[] cases = ["irq_disable_depth_test", "irq_free_disabled_test", "irq_shutdown_depth_test", "irq_cpuhotplug_test"];
        var files = Directory.GetFiles(Path.Combine(Root, "kunit-irq"), "*.irq").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(cases.Order(StringComparer.Ordinal), files);
    }

    [Fact]
    public void Every_event_channel_step_of_the_xen_selftest_is_a_program_or_listed()
    {
        string dir = Path.Combine(Root, "kvm-xen");
        string listed = File.ReadAllText(Path.Combine(dir, "not-expressible.md"));
        string programs = string.Concat(Directory.GetFiles(dir, "*.irq").Select(File.ReadAllText));
        string[] steps = ["TEST_INJECT_VECTOR", "TEST_EVTCHN_MASKED", "TEST_EVTCHN_UNMASKED", "TEST_EVTCHN_SLOWPATH", "TEST_EVTCHN_SEND_IOCTL",
            "TEST_EVTCHN_HCALL", "TEST_EVTCHN_HCALL_SLOWPATH", "TEST_EVTCHN_HCALL_EVENTFD", "TEST_TIMER_SETUP", "TEST_TIMER_WAIT",
            "TEST_TIMER_RESTORE", "TEST_POLL_READY", "TEST_POLL_TIMEOUT", "TEST_POLL_MASKED", "TEST_POLL_WAKE", "TEST_TIMER_PAST",
            "TEST_LOCKING_SEND_RACE", "TEST_LOCKING_POLL_RACE", "TEST_LOCKING_POLL_TIMEOUT"];
        Assert.All(steps, s => Assert.True(programs.Contains(s, StringComparison.Ordinal) || listed.Contains(s, StringComparison.Ordinal), s));
    }

    [Fact]
    public void The_6_12_behaviour_would_fail_the_hotplug_case()
    {
        // The same steps with the peer's 6.16+ expectation turned into the old one (CPU online
        // restarts the disabled irq) fail naming the line: the suite does discriminate.
        string text = File.ReadAllText(Path.Combine(Root, "kunit-irq", "irq_cpuhotplug_test.irq"))
            .Replace("cpu_online(1)\nexpect result == 0\nexpect irq(i).activated == false", "cpu_online(1)\nexpect result == 0\nexpect irq(i).activated == true");
        var m = new Machine(MachineConfig.Default());
        var r = ProgramRunner.Run(m, ProgramParser.Parse(text, "old.irq", m.Config));
        var f = Assert.Single(r.Violations);
        Assert.Equal("old.irq:25: expect irq(i).activated == true: expected true, actual false", f.Violation.Message);
    }
}
