namespace IrqVerify.Fuzz.Tests;

public class CliFuzzTests
{
    [Fact]
    public void Fuzz_prints_the_failure_writes_it_and_the_replay_command_reproduces_it()
    {
        string dir = Path.Combine(Path.GetTempPath(), "irqverify-cli-fuzz-" + Environment.ProcessId);
        var o = new StringWriter();
        int code = Cli.Program.Run(["fuzz", "--execs", "20000", "--variant", "K9", "--seed", "3", "--out", dir, "--no-groups"], o, new StringWriter());
        Assert.Equal(1, code);
        string text = o.ToString();
        Assert.Contains("FAIL [I-P12]", text);
        string replay = text.Split('\n').First(l => l.Contains("replay: irqverify run") && l.Contains("I-P12")).Trim()["replay: irqverify ".Length..];
        var args = replay.Split(' ');
        Assert.Equal(1, Cli.Program.Run(args.Append("--quiet").ToArray(), new StringWriter(), new StringWriter()));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Bad_budget_is_bad_input()
    {
        var e = new StringWriter();
        Assert.Equal(2, Cli.Program.Run(["fuzz", "--budget", "soon"], new StringWriter(), e));
        Assert.Contains("--budget: bad duration 'soon'", e.ToString());
    }

    /// <summary>Runs `irqverify fuzz --replay` (plus <paramref name="extra"/>) on a program written to a
    /// temporary file: its exit code and output.</summary>
    private static (int Code, string Out) Replay(string name, string program, params string[] extra)
    {
        string f = Path.Combine(Path.GetTempPath(), $"irqverify-{name}-{Environment.ProcessId}.irq");
        File.WriteAllText(f, program);
        try
        {
            var o = new StringWriter();
            int code = Cli.Program.Run(["fuzz", "--replay", f, .. extra], o, new StringWriter());
            return (code, o.ToString());
        }
        finally
        {
            File.Delete(f);
        }
    }

    [Fact]
    public void Replay_honours_parallel_groups_and_reports_clean_programs()
    {
        var (code, text) = Replay("replay", "p = evtchn_alloc_unbound()\n#@parallel 2 schedule=0,1,0\nxen_send(p)\nxen_tick()\n");
        Assert.Equal(0, code);
        Assert.Contains("3 call(s), 1 parallel group(s)", text);
    }

    /// <summary>Verify finding (seed 1, I-X10): the driver's xen_irq_lateeoi, with no event delivered
    /// since the last one, runs while an upcall on vCPU1 holds the claim for the next event and
    /// releases it. The kernel carries that out without a WARN; the model reports the unbalanced EOI
    /// as misuse, so the run passes and fails only with --strict.</summary>
    [Fact]
    public void An_unbalanced_late_eoi_that_releases_an_upcalls_claim_is_caller_misuse()
    {
        const string program = "port0 = evtchn_alloc_unbound()\nirq1 = bind_evtchn_to_irq_lateeoi(port0)\nrequest_irq(irq1)\nxen_vcpu_offline(0)\nxen_send(port0)\n" +
                               "#@parallel 2 schedule=1,1,1\nn5 = xen_irq_lateeoi(irq1, normal)\nxen_upcall(1)\n";
        var (code, text) = Replay("lateeoi", program);
        Assert.Equal(0, code);
        Assert.Contains("MISUSE I-X10: irq 24: claim released before its late EOI", text);
        Assert.Contains("xen_irq_lateeoi(irq 24): no event was delivered since the last late EOI", text);
        var (strictCode, strict) = Replay("lateeoi", program, "--strict");
        Assert.Equal(1, strictCode);
        Assert.Contains("FAIL: I-X10", strict);
    }

    /// <summary>Verify finding (seed 5, I-G2): the device raises a managed irq while enable_irq's
    /// startup has not yet moved its vector off the CPU that went down. Linux loses that interrupt
    /// too: known finding F7, and with --strict a failure.</summary>
    [Fact]
    public void An_interrupt_during_the_deferred_managed_startup_is_known_F7()
    {
        const string program = "cpu_offline(0)\nirq1 = vector_alloc({0,2}, managed)\nvector_activate(irq1)\ncpu_offline(2)\nrequest_irq(irq1)\ndisable_irq(irq1)\n" +
                               "#@parallel 3 schedule=0,2,2,0,2,2\ncpu_online(0)\napic_raise(irq1)\nenable_irq(irq1)\n";
        var (code, text) = Replay("f7", program);
        Assert.Equal(0, code);
        Assert.Contains("KNOWN F7 I-G2: irq 24: an interrupt was raised but its handler never ran", text);
        Assert.Equal(1, Replay("f7", program, "--strict").Code);
    }

    /// <summary>Verify finding (seed 3, I-V1 + I-G2): request_irq's startup chose CPU2 for the irq
    /// stranded on offline CPU0, then CPU2 went offline before the vector was assigned. Linux runs the
    /// whole startup under desc->lock with interrupts off, so stop_machine cannot start in between;
    /// the model now holds the descriptor lock across it and the program is clean.</summary>
    [Fact]
    public void Cpu_offline_cannot_run_inside_request_irqs_startup()
    {
        var (code, text) = Replay("startup-offline", "irq0 = vector_alloc({0,2}, none)\nvector_activate(irq0)\ncpu_offline(0)\n" +
                                  "#@parallel 2 schedule=1,1\ncpu_offline(2)\nrequest_irq(irq0)\ncpu_online(0)\napic_raise(irq0)\n", "--strict");
        Assert.Equal(0, code);
        Assert.Contains("OK: no violation", text);
    }
}
