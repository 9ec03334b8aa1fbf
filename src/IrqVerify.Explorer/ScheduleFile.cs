using System.Text;
using IrqVerify.Model;

namespace IrqVerify.Explorer;

/// <summary>
/// The replay file: which scenario and variants, what failed, and the decision log naming threads
/// and points. <c>irqverify replay FILE</c> forces the log in a fresh process.
/// <code>
/// # irqverify schedule (replay: irqverify replay FILE)
/// scenario: /path/models/scenarios/xen-rebind-2l.scn
/// variants: K10
/// found-by: pct(3) seed 7, schedule 12
/// failure: safety: I-X9
/// message: I-X9: ...
/// preemptions: 1
/// decisions:
///   run vcpu0 @ start
///   choose label = 1/2
/// </code>
/// </summary>
public sealed class ScheduleFile
{
    public required string ScenarioPath { get; init; }
    public IReadOnlyList<string> Variants { get; init; } = [];
    public string FoundBy { get; init; } = "";
    public string FailureText { get; init; } = "";
    public IReadOnlyList<string> Messages { get; init; } = [];
    public int Preemptions { get; init; }
    public required IReadOnlyList<LogEntry> Decisions { get; init; }

    public static ScheduleFile From(Scenario s, Variants v, Failure f, string foundBy) => new()
    {
        ScenarioPath = Path.GetFullPath(s.File),
        Variants = v.Enabled().ToList(),
        FoundBy = foundBy,
        FailureText = f.Summary,
        Messages = f.Messages.Take(8).ToList(),
        Preemptions = f.Preemptions,
        Decisions = f.Log,
    };

    public string Write()
    {
        var sb = new StringBuilder();
        sb.Append("# irqverify schedule (replay: irqverify replay FILE)\n");
        sb.Append("scenario: ").Append(ScenarioPath).Append('\n');
        sb.Append("variants: ").Append(string.Join(",", Variants)).Append('\n');
        if (FoundBy.Length > 0) sb.Append("found-by: ").Append(FoundBy).Append('\n');
        if (FailureText.Length > 0) sb.Append("failure: ").Append(FailureText).Append('\n');
        foreach (var m in Messages) sb.Append("message: ").Append(m.Replace('\n', ' ')).Append('\n');
        sb.Append("preemptions: ").Append(Preemptions).Append('\n');
        sb.Append("decisions:\n");
        foreach (var e in Decisions) sb.Append("  ").Append(e).Append('\n');
        return sb.ToString();
    }

    public void Save(string path) => File.WriteAllText(path, Write());

    public static ScheduleFile Load(string path)
    {
        if (!File.Exists(path)) throw new ModelInputException(path, 0, 0, "schedule file not found");
        return Parse(File.ReadAllText(path), path);
    }

    public static ScheduleFile Parse(string text, string file)
    {
        string? scenario = null;
        var variants = new List<string>();
        var messages = new List<string>();
        string foundBy = "", failure = "";
        int preemptions = 0;
        var decisions = new List<LogEntry>();
        bool inDecisions = false;
        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string t = lines[i].Trim();
            if (t.Length == 0 || t.StartsWith('#')) continue;
            if (inDecisions)
            {
                var e = LogEntry.TryParse(t) ?? throw new ModelInputException(file, i + 1, lines[i].Length - lines[i].TrimStart().Length + 1,
                    $"expected 'run THREAD @ POINT' or 'choose LABEL = V/N', found '{t}'");
                decisions.Add(e);
                continue;
            }
            int colon = t.IndexOf(':');
            if (colon < 0) throw new ModelInputException(file, i + 1, 1, $"expected 'key: value', found '{t}'");
            string key = t[..colon], value = t[(colon + 1)..].Trim();
            switch (key)
            {
                case "scenario": scenario = value; break;
                case "variants": variants.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "found-by": foundBy = value; break;
                case "failure": failure = value; break;
                case "message": messages.Add(value); break;
                case "preemptions": int.TryParse(value, out preemptions); break;
                case "decisions": inDecisions = true; break;
                default: throw new ModelInputException(file, i + 1, 1, $"unknown key '{key}'");
            }
        }
        if (scenario is null) throw new ModelInputException(file, 1, 1, "missing 'scenario:' line");
        if (!Path.IsPathRooted(scenario) && !File.Exists(scenario))
        {
            string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", scenario);
            if (File.Exists(beside)) scenario = beside;
        }
        return new ScheduleFile
        {
            ScenarioPath = scenario, Variants = variants, FoundBy = foundBy, FailureText = failure,
            Messages = messages, Preemptions = preemptions, Decisions = decisions,
        };
    }
}
