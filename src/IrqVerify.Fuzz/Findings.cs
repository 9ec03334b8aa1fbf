using IrqVerify.Model;
using IrqVerify.Model.Program;

namespace IrqVerify.Fuzz;

/// <summary>
/// Turning failures into replayable files, and example programs into seed inputs. A finding file is
/// a program in the textual format with a header saying what it violates and how to replay it; a
/// sequential one replays with `irqverify run`, one with parallel groups with `irqverify fuzz --replay`.
/// </summary>
public static class Findings
{
    public static string FileNameFor(string signature) =>
        string.Concat(signature.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '+')) + ".irq";

    public static string ReplayCommand(string path, string? machinePath, Variants v, bool parallel)
    {
        string m = machinePath is null ? "" : $" --machine {machinePath}";
        string vs = (v.Design.Arg is { } d ? $" --design {d}" : "") + string.Concat(v.Enabled().Select(n => $" --variant {n}"));
        return parallel ? $"irqverify fuzz --replay {path}{m}{vs}" : $"irqverify run {path}{m}{vs}";
    }

    /// <summary>Writes the finding to <paramref name="dir"/>; returns its path and the replay command.</summary>
    public static (string Path, string Replay) Write(FuzzFailure f, string dir, OpTable t, Variants v, string? machinePath)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, FileNameFor(f.Signature));
        string replay = ReplayCommand(path, machinePath, v, f.Program.HasGroups);
        var text = $"# irqverify fuzz finding: violates {f.Signature} (machine {t.Machine.Name}, variant {v})\n" +
                   $"# replay: {replay}\n" + f.Text;
        File.WriteAllText(path, text);
        return (path, replay);
    }

    /// <summary>Re-runs a sequential finding exactly as `irqverify run` does; returns the ids it reports.</summary>
    public static IReadOnlyList<string> ConfirmWithRunner(FuzzProgram p, OpTable t, Variants v)
    {
        var prog = ProgramParser.Parse(p.Print(t), "<finding>", t.Machine);
        var report = ProgramRunner.Run(new Machine(t.Machine, v), prog, new RunOptions());
        return report.ViolatedIds.OrderBy(s => s, StringComparer.Ordinal).ToList();
    }

    /// <summary>Encodes every *.irq program under the directories (skipping those the machine or the
    /// byte format cannot express) and reads every other file as a raw input.</summary>
    public static List<byte[]> Seeds(OpTable t, IEnumerable<string> dirs, TextWriter? log = null)
    {
        var seeds = new List<byte[]>();
        foreach (string dir in dirs)
        {
            if (!Directory.Exists(dir)) continue;
            foreach (string f in Directory.GetFiles(dir).OrderBy(s => s, StringComparer.Ordinal))
            {
                if (!f.EndsWith(".irq", StringComparison.Ordinal))
                {
                    if (Path.GetFileName(f).StartsWith('.')) continue;
                    seeds.Add(File.ReadAllBytes(f));
                    continue;
                }
                try
                {
                    var fp = FuzzProgram.From(ProgramParser.Parse(File.ReadAllText(f), f, t.Machine), t, f);
                    var bytes = ByteFormat.Encode(fp, t);
                    if (bytes is null) log?.WriteLine($"seed {f}: not expressible in the byte format, skipped");
                    else seeds.Add(bytes);
                }
                catch (ModelInputException e)
                {
                    log?.WriteLine($"seed {f}: {e.Message}, skipped");
                }
            }
        }
        return seeds;
    }
}
