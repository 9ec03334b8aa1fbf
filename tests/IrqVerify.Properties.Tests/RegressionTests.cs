using IrqVerify.Testing;

namespace IrqVerify.Properties.Tests;

/// <summary>Every pinned program in tests/regressions reproduces its "# expect:" line exactly, and
/// `irqverify regress add` pins a counterexample in one step.</summary>
public class RegressionTests
{
    public static TheoryData<string> Pinned()
    {
        var d = new TheoryData<string>();
        foreach (var c in RegressionCorpus.Load()) d.Add(Path.GetFileName(c.Path));
        return d;
    }

    [Theory]
    [MemberData(nameof(Pinned))]
    public void Pinned_program_reproduces_its_expectation(string file)
    {
        var c = RegressionCorpus.Load().Single(x => Path.GetFileName(x.Path) == file);
        var (ok, msg) = RegressionCorpus.Check(c);
        Assert.True(ok, msg);
    }

    [Fact]
    public void The_corpus_is_found_from_the_test_output_and_holds_the_known_findings()
    {
        var files = RegressionCorpus.Load().Select(c => Path.GetFileName(c.Path)).ToList();
        Assert.Contains("f1-unstarted-irq-offline-online.irq", files);
        Assert.Contains("f2-affinity-before-activation.irq", files);
        Assert.Contains("f3-forced-move-drops-pending-old-vector.irq", files);
    }

    [Fact]
    public void Regress_add_pins_a_counterexample_file_in_one_step_and_regress_run_replays_it()
    {
        var dir = Path.Combine(Path.GetTempPath(), "irqverify-regress-" + Guid.NewGuid().ToString("N"));
        try
        {
            var s = new Scenario(Model.MachineConfig.Default(),
                Model.Program.ProgramParser.Parse("irq = vector_alloc({0}, none)\ncpu_offline(0)\ncpu_online(0)\n", "t.irq"), []);
            var (prog, _) = ScenarioFiles.Write(s, dir, "cx", ["I-V1"], ["a counterexample"]);
            var pinDir = Path.Combine(dir, "pinned");
            var o = new StringWriter();
            Assert.Equal(0, Cli.Program.Run(["regress", "add", prog, "--dir", pinDir, "--name", "f1-short"], o, new StringWriter()));
            Assert.Contains("expect I-V1", o.ToString());
            var pinned = RegressionCorpus.Load(pinDir).Single();
            Assert.Equal(["I-V1"], pinned.Expect);
            Assert.Equal(3, pinned.Scenario.CallCount);
            var run = new StringWriter();
            Assert.Equal(0, Cli.Program.Run(["regress", "run", pinDir], run, new StringWriter()));
            Assert.Contains("1/1 pinned program(s) as expected", run.ToString());
            // a wrong expectation is reported with exit 1
            File.WriteAllText(pinned.Path, File.ReadAllText(pinned.Path).Replace("# expect: I-V1", "# expect: clean"));
            Assert.Equal(1, Cli.Program.Run(["regress", "run", pinned.Path], new StringWriter(), new StringWriter()));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
