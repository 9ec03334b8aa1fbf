using System.Xml.Linq;
using static IrqVerify.Verify.Tests.JUnitFile;

namespace IrqVerify.Verify.Tests;

/// <summary>--junit on verify, explore, fuzz and zoo, read back as a CI server reads it; --fail-on.</summary>
public class JUnitTests
{
    private const string Counts = "--programs 30 --schedules 240 --execs 400";

    private static string[] Args(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Verify_reference_writes_one_passing_case_per_engine_and_scenario_or_profile()
    {
        string dir = TempDir(), file = Path.Combine(dir, "junit.xml");
        var (code, output, _) = Irq(Args($"verify {Counts} --out {dir}/out --junit {file}"));
        Assert.Equal(0, code);
        Assert.Contains($"JUnit results written to {file}", output);
        var d = Load(file);
        var suites = d.Root!.Elements("testsuite").ToList();
        Assert.Equal(["irqverify.verify.props", "irqverify.verify.explore", "irqverify.verify.fuzz"], suites.Select(s => (string)s.Attribute("name")!));
        Assert.Equal([6, 12, 1], suites.Select(s => s.Elements("testcase").Count()));
        Assert.Empty(Failures(d));
        Assert.Equal("30", Property(suites[0], "runs"));
        Assert.Equal("240", Property(suites[1], "runs"));
        Assert.Equal("400", Property(suites[2], "runs"));
        Assert.Equal("5", Property(suites[0], "runs.default"));
        Assert.Contains(suites[1].Elements("testcase"), c => (string)c.Attribute("name")! == "xen-rebind-2l");
        Assert.Equal("machine fuzz-small", (string)suites[2].Element("testcase")!.Attribute("name")!);
    }

    [Fact]
    public void Verify_K10_fails_with_the_invariant_counterexample_narrative_and_replay_line()
    {
        string dir = TempDir(), file = Path.Combine(dir, "junit.xml");
        var (code, _, _) = Irq(Args($"verify {Counts} --variant K10 --out {dir}/out --junit {file}"));
        Assert.Equal(1, code);
        var d = Load(file);
        var race = Failures(d).Single(f => f.Value.Contains("invariants: I-X9", StringComparison.Ordinal));
        Assert.Equal("VIOLATION", (string)race.Attribute("type")!);
        Assert.StartsWith("I-X9: irq 24 (port 1): 2 CPUs inside the claim window at once", (string)race.Attribute("message")!);
        Assert.Equal("xen-rebind-2l", (string)race.Parent!.Attribute("name")!);
        Assert.Contains("what happens: ", race.Value);
        Assert.Contains("run vcpu1 @ xen_rebind_evtchn_to_cpu.bind_vcpu", race.Value);
        string replay = race.Value.Split('\n').Single(l => l.StartsWith("replay: ", StringComparison.Ordinal));
        Assert.Equal($"replay: irqverify replay {Path.GetFullPath(Path.Combine(dir, "out"))}/xen-rebind-2l-K10.schedule", replay);
        Assert.Equal(1, Irq("replay", replay["replay: irqverify replay ".Length..]).Code);
    }

    [Fact]
    public void Fail_on_decides_which_classes_of_the_judge_fail_and_the_rest_pass_with_a_note()
    {
        string dir = TempDir();
        var known = Irq(Args($"verify {Counts} --out {dir}/k --fail-on known --junit {dir}/k.xml"));
        var misuse = Irq(Args($"verify {Counts} --out {dir}/m --fail-on misuse --junit {dir}/m.xml"));
        Assert.Equal(1, known.Code);
        Assert.Equal(1, misuse.Code);
        var k = Load($"{dir}/k.xml");
        var m = Load($"{dir}/m.xml");
        // Same findings (the engines run strict for both), judged once; the policy picks what fails.
        // (What the fuzzer reaches depends on whether the model copy it runs is edge-instrumented.)
        var knownTypes = Failures(k).Select(f => (string)f.Attribute("type")!).ToList();
        var misuseTypes = Failures(m).Select(f => (string)f.Attribute("type")!).ToList();
        Assert.Contains("KNOWN F1", knownTypes);
        Assert.All(knownTypes, t => Assert.StartsWith("KNOWN F", t));
        Assert.NotEmpty(misuseTypes);
        Assert.All(misuseTypes, t => Assert.Equal("MISUSE", t));
        string fuzzOutK = k.Descendants("testcase").Single(c => (string)c.Attribute("name")! == "machine fuzz-small").Element("system-out")!.Value;
        Assert.Contains("MISUSE (passes under --fail-on violation,known) I-", fuzzOutK);
        Assert.Contains("violation,misuse", Property(m.Root!.Element("testsuite")!, "fail-on"));
        // --strict is misuse and known together.
        var strict = Irq(Args($"verify {Counts} --out {dir}/s --strict --junit {dir}/s.xml"));
        Assert.Equal(1, strict.Code);
        Assert.Equal(knownTypes.Count + misuseTypes.Count, Failures(Load($"{dir}/s.xml")).Count);
    }

    [Fact]
    public void Unknown_fail_on_class_is_bad_input()
    {
        var (code, _, err) = Irq("verify", "--fail-on", "bogus", "--programs", "1", "--schedules", "1", "--execs", "1");
        Assert.Equal(2, code);
        Assert.Equal("--fail-on: unknown class 'bogus' (violation, misuse, known)", err.Trim());
    }

    [Fact]
    public void Explore_junit_reference_is_one_passing_case_and_K10_one_failure_with_its_replay()
    {
        string dir = TempDir();
        string scn = Path.Combine(Repo.Root()!, "models", "scenarios", "xen-rebind-2l.scn");
        Assert.Equal(0, Irq("explore", scn, "--strategy", "dfs", "--out", dir, "--junit", $"{dir}/ref.xml").Code);
        var r = Load($"{dir}/ref.xml");
        Assert.Equal("xen-rebind-2l", (string)Cases(r).Single().Attribute("name")!);
        Assert.Empty(Failures(r));
        Assert.Equal("True", Property(r.Root!.Element("testsuite")!, "exhausted"));
        Assert.Equal(1, Irq("explore", scn, "--strategy", "dfs", "--variant", "K10", "--out", dir, "--junit", $"{dir}/k10.xml").Code);
        var f = Failures(Load($"{dir}/k10.xml")).Single();
        Assert.Contains("invariants: I-X9", f.Value);
        Assert.Contains($"replay: irqverify replay {Path.GetFullPath(dir)}/xen-rebind-2l-K10.schedule", f.Value);
    }

    [Fact]
    public void Fuzz_junit_carries_the_minimized_program_and_the_run_replay_line()
    {
        string dir = TempDir();
        // Sequential inputs: a program found inside a parallel group replays with `fuzz --replay`, not `run`.
        Assert.Equal(1, Irq("fuzz", "--execs", "4000", "--seed", "2", "--variant", "K9", "--no-groups", "--out", dir, "--junit", $"{dir}/f.xml").Code);
        var d = Load($"{dir}/f.xml");
        var suite = d.Root!.Element("testsuite")!;
        Assert.Equal("irqverify.fuzz", (string)suite.Attribute("name")!);
        Assert.Equal("4000", Property(suite, "execs"));
        var f = Failures(d).Single();
        Assert.Contains("invariants: I-P12", f.Value);
        Assert.Contains($"replay: irqverify run {Path.GetFullPath(dir)}/I-P12.irq --machine ", f.Value);
    }

    [Fact]
    public void Zoo_junit_has_one_case_per_engine_and_known_bug()
    {
        string dir = TempDir();
        var (code, _, _) = Irq("zoo", "--variant", "K10", "--variant", "K9", "--engines", "explore,fuzz", "--budget-per-bug", "6s", "--seeds", "1", "--junit", $"{dir}/z.xml");
        Assert.Equal(0, code);
        var d = Load($"{dir}/z.xml");
        Assert.Equal(["irqverify.zoo.explore", "irqverify.zoo.fuzz"], d.Root!.Elements("testsuite").Select(s => (string)s.Attribute("name")!).Order());
        Assert.Equal(["irqverify.zoo.explore/K10 (race)", "irqverify.zoo.fuzz/K10 (race)", "irqverify.zoo.fuzz/K9 (sequential)"],
            Cases(d).Select(c => $"{c.Attribute("classname")!.Value}/{c.Attribute("name")!.Value}").Order());
        Assert.Empty(Failures(d));
        var race = Cases(d).Single(c => (string)c.Attribute("classname")! == "irqverify.zoo.explore");
        Assert.StartsWith("detected I-X9 in 1/1 seed(s); median ", race.Element("system-out")!.Value);
    }
}
