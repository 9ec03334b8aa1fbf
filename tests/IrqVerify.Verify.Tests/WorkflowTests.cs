using System.Diagnostics;
using System.Text.RegularExpressions;
using static IrqVerify.Verify.Tests.JUnitFile;

namespace IrqVerify.Verify.Tests;

/// <summary>
/// The documented CI workflows (docs/ci/github-actions.yml, docs/ci/gitlab-ci.yml) do what they say:
/// their commands, run in order as a script on a fresh clone of this repository (with tiny count
/// budgets), install the tool, verify, and leave a JUnit file a parser reads back.
/// </summary>
public partial class WorkflowTests
{
    private static string Root => Repo.Root() ?? throw new InvalidOperationException("no IrqVerify.sln above the test");

    [GeneratedRegex(@"^(\s*)(?:-\s+)?run:\s*(.*)$")]
    private static partial Regex RunKey();

    [GeneratedRegex(@"^(\s*)script:\s*$")]
    private static partial Regex ScriptKey();

    [GeneratedRegex(@"^\s*(IRQVERIFY_\w+):\s*""(.*)""")]
    private static partial Regex Variable();

    /// <summary>The shell commands of the `run:` steps in order (literal blocks `|` and one-liners;
    /// backslash continuations joined).</summary>
    public static List<string> GitHubCommands(string yaml)
    {
        var lines = yaml.Split('\n');
        var commands = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var m = RunKey().Match(lines[i]);
            if (!m.Success) continue;
            if (m.Groups[2].Value != "|") { commands.Add(m.Groups[2].Value); continue; }
            int indent = m.Groups[1].Length;
            var block = new List<string>();
            for (i++; i < lines.Length && (lines[i].Trim().Length == 0 || Indent(lines[i]) > indent); i++) block.Add(lines[i].Trim());
            i--;
            commands.AddRange(Join(block));
        }
        return commands;
    }

    /// <summary>The `script:` list items of the job, in order.</summary>
    public static List<string> GitLabCommands(string yaml)
    {
        var lines = yaml.Split('\n');
        var commands = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var m = ScriptKey().Match(lines[i]);
            if (!m.Success) continue;
            int indent = m.Groups[1].Length;
            for (i++; i < lines.Length && Indent(lines[i]) > indent; i++)
                commands.Add(lines[i].Trim().TrimStart('-').Trim());
        }
        return commands;
    }

    private static int Indent(string line) => line.Length - line.TrimStart().Length;

    private static IEnumerable<string> Join(List<string> block) =>
        string.Join("\n", block).Replace("\\\n", " ").Split('\n').Where(l => l.Length > 0).Select(l => Regex.Replace(l, @"\s+", " "));

    private static Dictionary<string, string> Variables(string yaml) =>
        yaml.Split('\n').Select(l => Variable().Match(l)).Where(m => m.Success).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    private static string Workflow(string name) => File.ReadAllText(Path.Combine(Root, "docs", "ci", name));

    [Fact]
    public void GitHub_and_GitLab_workflows_run_the_same_commands_with_the_same_budgets()
    {
        var gh = GitHubCommands(Workflow("github-actions.yml"));
        var gl = GitLabCommands(Workflow("gitlab-ci.yml"));
        Assert.Equal(3, gh.Count);
        Assert.Equal(gh, gl);
        Assert.Equal("dotnet pack src/IrqVerify.Cli -c Release", gh[0]);
        Assert.StartsWith(".irqverify/irqverify verify --seed \"$IRQVERIFY_SEED\" --programs \"$IRQVERIFY_PROGRAMS\" --schedules \"$IRQVERIFY_SCHEDULES\" --execs \"$IRQVERIFY_EXECS\" --corpus irqverify-state/corpus --db irqverify-state/db --junit irqverify-out/junit.xml", gh[2]);
        var v = Variables(Workflow("github-actions.yml"));
        Assert.Equal(v, Variables(Workflow("gitlab-ci.yml")));
        Assert.Equal(["IRQVERIFY_ARGS", "IRQVERIFY_EXECS", "IRQVERIFY_PROGRAMS", "IRQVERIFY_SCHEDULES", "IRQVERIFY_SEED"], v.Keys.Order());
        Assert.Equal(PackageVersion(), gh[1].Split(' ')[^1]);
    }

    [Fact]
    public void The_workflow_commands_run_as_a_script_on_a_fresh_clone_and_leave_a_JUnit_file()
    {
        string clone = Path.Combine(TempDir(), "repo");
        Assert.Equal(0, Sh($"git clone -q \"{Root}\" \"{clone}\"", Root, new()).Code);
        var commands = GitHubCommands(Workflow("github-actions.yml"));
        var tiny = new Dictionary<string, string>
        {
            ["IRQVERIFY_SEED"] = "1", ["IRQVERIFY_PROGRAMS"] = "30", ["IRQVERIFY_SCHEDULES"] = "240", ["IRQVERIFY_EXECS"] = "400", ["IRQVERIFY_ARGS"] = "",
        };
        var run = Sh("set -euo pipefail\n" + string.Join("\n", commands), clone, tiny);
        Assert.True(run.Code == 0, run.Output);
        Assert.Contains("ran: props 30 programs, explore 240 schedules, fuzz 400 execs", run.Output);
        var d = Load(Path.Combine(clone, "irqverify-out", "junit.xml"));
        Assert.Equal(19, Cases(d).Count);
        Assert.Empty(Failures(d));
        Assert.True(File.Exists(Path.Combine(clone, "irqverify-out", "report", "index.html")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(clone, "irqverify-state", "corpus")));

        // The same verify step on a re-injected race: one failure per distinct finding, the race among
        // them with the line that replays it.
        var k10 = Sh(commands[^1], clone, new(tiny) { ["IRQVERIFY_ARGS"] = "--variant K10" });
        Assert.True(k10.Code == 1, k10.Output);
        var race = Failures(Load(Path.Combine(clone, "irqverify-out", "junit.xml"))).Single(f => f.Value.Contains("invariants: I-X9", StringComparison.Ordinal));
        Assert.Contains("\nreplay: irqverify replay ", race.Value);
        Assert.Contains("xen-rebind-2l-K10.schedule", race.Value);
    }

    /// <summary>The package version the workflows install (Directory.Build.props).</summary>
    private static string PackageVersion() =>
        Regex.Match(File.ReadAllText(Path.Combine(Root, "Directory.Build.props")), "<Version>(.*)</Version>").Groups[1].Value;

    private static (int Code, string Output) Sh(string script, string cwd, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("bash", ["-c", script]) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        // The child builds and runs on its own: not inside this test host's MSBuild / dotnet-test settings.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["CI"] = "true";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }
}
