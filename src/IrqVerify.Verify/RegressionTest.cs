using System.Text;
using IrqVerify.Explorer;
using IrqVerify.Model;
using IrqVerify.Model.Program;

namespace IrqVerify.Verify;

/// <summary>
/// Ready-to-paste xunit tests pinning a counterexample: a [Fact] that runs the program (or forces the
/// schedule) on the same machine and variants and asserts the violated invariant ids.
/// </summary>
public static class RegressionTest
{
    public static string MethodName(string engine, IReadOnlyList<string> variants, IReadOnlyList<string> ids)
    {
        string v = variants.Count == 0 ? "Reference" : string.Join("_", variants);
        string name = $"Verify_{engine}_{v}_violates_{string.Join("_", ids)}";
        return new string(name.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '_').ToArray());
    }

    private static void Variants(StringBuilder sb, IReadOnlyList<string> variants)
    {
        sb.Append("        var variants = new Variants();\n");
        foreach (var v in variants) sb.Append($"        Assert.True(variants.TryEnable(\"{v}\"));\n");
    }

    private static void Expect(StringBuilder sb, IReadOnlyList<string> ids, string actual)
    {
        foreach (var id in ids) sb.Append($"        Assert.Contains(\"{id}\", {actual});\n");
    }

    private static string Raw(string text) => "\"\"\"\n" + string.Concat(text.TrimEnd('\n').Split('\n').Select(l => "            " + l + "\n")) + "            \"\"\"";

    /// <summary>A sequential program: ProgramRunner with every check on the machine (JSON inline).</summary>
    public static string ForProgram(string engine, IrqProgram p, MachineConfig cfg, IReadOnlyList<string> variants, IReadOnlyList<string> ids)
    {
        var sb = new StringBuilder();
        sb.Append("    // using IrqVerify.Model; using IrqVerify.Model.Program;\n");
        sb.Append("    [Fact]\n");
        sb.Append($"    public void {MethodName(engine, variants, ids)}()\n    {{\n");
        sb.Append($"        var cfg = MachineConfig.Parse({Raw(cfg.ToJson())}, \"{cfg.Name}.json\");\n");
        Variants(sb, variants);
        sb.Append($"        var program = ProgramParser.Parse({Raw(p.Print())}, \"counterexample.irq\", cfg);\n");
        sb.Append("        var report = ProgramRunner.Run(new Machine(cfg, variants), program, new RunOptions());\n");
        Expect(sb, ids, "report.ViolatedIds");
        sb.Append("    }\n");
        return sb.ToString();
    }

    /// <summary>A program with parallel groups (fuzzer): replayed by the fuzz executor with every check after every step.</summary>
    public static string ForFuzzProgram(string text, MachineConfig cfg, IReadOnlyList<string> variants, IReadOnlyList<string> ids)
    {
        var sb = new StringBuilder();
        sb.Append("    // using IrqVerify.Fuzz; using IrqVerify.Model; using IrqVerify.Model.Program;\n");
        sb.Append("    [Fact]\n");
        sb.Append($"    public void {MethodName("fuzz", variants, ids)}()\n    {{\n");
        sb.Append($"        var cfg = MachineConfig.Parse({Raw(cfg.ToJson())}, \"{cfg.Name}.json\");\n");
        Variants(sb, variants);
        sb.Append("        var table = new OpTable(cfg);\n");
        sb.Append($"        var program = FuzzProgram.From(ProgramParser.Parse({Raw(text)}, \"counterexample.irq\", cfg), table);\n");
        sb.Append("        string signature = Fuzzer.SignatureOf(new FuzzExecutor(table, variants) { Thorough = true }, program, out _);\n");
        Expect(sb, ids, "signature.Split(',')");
        sb.Append("    }\n");
        return sb.ToString();
    }

    /// <summary>An interleaving: the scenario (path relative to the checkout) and the decision log, forced by the replayer.</summary>
    public static string ForSchedule(IrqVerify.Explorer.Scenario s, IReadOnlyList<string> variants, Failure f, string scenarioRelative)
    {
        var sb = new StringBuilder();
        sb.Append("    // using IrqVerify.Explorer; using IrqVerify.Model;\n");
        sb.Append("    [Fact]\n");
        sb.Append($"    public void {MethodName("explore_" + s.Name, variants, f.Ids)}()\n    {{\n");
        sb.Append("        string root = AppContext.BaseDirectory;\n");
        sb.Append("        while (!File.Exists(Path.Combine(root, \"IrqVerify.sln\"))) root = Path.GetDirectoryName(root)!;\n");
        sb.Append($"        var scenario = ScenarioParser.Load(Path.Combine(root, \"{scenarioRelative.Replace('\\', '/')}\"));\n");
        Variants(sb, variants);
        sb.Append("        string[] decisions =\n        [\n");
        foreach (var e in f.Log) sb.Append($"            \"{e.ToString().Replace("\"", "\\\"")}\",\n");
        sb.Append("        ];\n");
        sb.Append("        var replay = Replayer.Run(scenario, variants, decisions.Select(d => LogEntry.TryParse(d)!.Value).ToList());\n");
        sb.Append("        Assert.NotNull(replay.Failure);\n");
        Expect(sb, f.Ids, "replay.Failure!.Ids");
        sb.Append("    }\n");
        return sb.ToString();
    }
}
