using System.Text.RegularExpressions;
using IrqVerify.Report;
using static IrqVerify.Verify.Tests.JUnitFile;

namespace IrqVerify.Verify.Tests;

/// <summary>--corpus and --db: what carries over between CI runs, and that it never loses a finding.</summary>
public partial class CarryOverTests
{
    [GeneratedRegex(@"kept (\d+) (?:coverage input\(s\) )?after distilling(?: \(\d+ removed)?,? ?\(?(\d+) coverage bits\)")]
    private static partial Regex Distilled();

    private static int CoverageBits(string output) => int.Parse(Distilled().Match(output) is { Success: true } m ? m.Groups[2].Value : throw new Xunit.Sdk.XunitException("no distill line in:\n" + output));

    private static HashSet<string> Found(string output) =>
        output.Split('\n').Where(l => l.StartsWith("FAIL [", StringComparison.Ordinal)).Select(l => l[6..l.IndexOf(']')]).ToHashSet();

    [Fact]
    public void Two_verify_runs_with_the_same_corpus_and_db_grow_the_corpus_and_know_the_first_runs_findings()
    {
        string dir = TempDir(), corpus = $"{dir}/corpus", db = $"{dir}/db";
        string[] Line(string o) => ["verify", "--variant", "K10", "--programs", "30", "--schedules", "240", "--execs", "600", "--out", $"{dir}/{o}",
            "--corpus", corpus, "--db", db, "--junit", $"{dir}/{o}.xml"];
        var first = Irq(Line("a"));
        Assert.Equal(1, first.Code);
        int files1 = Directory.GetFiles(corpus).Length, bits1 = CoverageBits(first.Out);
        Assert.True(files1 > 0);
        Assert.Contains("FOUND: 2 distinct failure(s): I-X10 (new in run 1 (", first.Out);
        Assert.Contains("I-X9 (new in run 1 (", first.Out);

        var second = Irq(Line("b"));
        Assert.Equal(1, second.Code);
        Assert.Contains(" read " + files1 + ",", second.Out);
        Assert.True(CoverageBits(second.Out) >= bits1, $"coverage {bits1} -> {CoverageBits(second.Out)}");
        Assert.Matches(@"FOUND: 2 distinct failure\(s\): I-X10 \(known since \d{4}-\d\d-\d\d \d\d:\d\d UTC \(run 1\)\); I-X9 \(known since .* \(run 1\)\)", second.Out);
        var history = Failures(Load($"{dir}/b.xml")).Select(f => f.Value.Split('\n').Single(l => l.StartsWith("history: ", StringComparison.Ordinal))).ToList();
        Assert.Equal(2, history.Count);
        Assert.All(history, h => Assert.EndsWith("(run 1)", h));
        Assert.Equal(3, Directory.GetFiles(db).Length);   // runs.json and one record per finding
    }

    [Fact]
    public void A_run_with_a_grown_corpus_finds_at_least_what_a_fresh_run_finds_and_is_deterministic()
    {
        string dir = TempDir(), corpus = $"{dir}/corpus";
        string[] Fuzz(string? c, string o) => c is null
            ? ["fuzz", "--variant", "K9", "--execs", "4000", "--seed", "2", "--out", $"{dir}/{o}"]
            : ["fuzz", "--variant", "K9", "--execs", "4000", "--seed", "2", "--out", $"{dir}/{o}", "--corpus", c];
        var fresh = Found(Irq(Fuzz(null, "fresh")).Out);
        Assert.NotEmpty(fresh);
        Irq(Fuzz(corpus, "night1"));
        Assert.Contains(Directory.GetFiles(corpus), f => Path.GetFileName(f).StartsWith("finding-", StringComparison.Ordinal));
        // The same corpus content, seed and budget give the same result.
        string copy = $"{dir}/copy";
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(corpus)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        var night2 = Irq(Fuzz(corpus, "night2")).Out;
        var again = Irq(Fuzz(copy, "again")).Out;
        Assert.Superset(fresh, Found(night2));
        Assert.Equal(Found(night2), Found(again));
        Assert.Equal(Distilled().Match(night2).Value, Distilled().Match(again).Value);
        Assert.Equal(Directory.GetFiles(corpus).Select(Path.GetFileName).Order(), Directory.GetFiles(copy).Select(Path.GetFileName).Order());
    }

    private static FailureReport Finding(params string[] ids) => new()
    {
        Engine = "fuzz", Invariants = ids, Messages = [], Counterexample = "", Narrative = "", Replay = "irqverify run x.irq", RegressionTest = "",
    };

    [Fact]
    public void Db_reports_fixed_only_when_the_same_work_no_longer_finds_it()
    {
        string db = TempDir();
        var day1 = new DateTime(2026, 11, 30, 2, 0, 0, DateTimeKind.Utc);
        var a = Finding("I-P12");
        Assert.Empty(FindingsDb.Open(db, day1).Record("fuzz K9", "fuzz --seed 1 --execs 100", [a, Finding("I-V3")]));
        Assert.Equal("new in run 1 (2026-11-30 02:00 UTC)", a.History);

        var other = FindingsDb.Open(db, day1.AddDays(1)).Record("fuzz K9", "fuzz --seed 2 --execs 100", [Finding("I-P12")]);
        Assert.Equal(["not seen in this run: I-V3 (first seen 2026-11-30 02:00 UTC, run 1; last seen run 1); this run did other work than run 1, so it is not reported fixed"], other);

        var b = Finding("I-P12");
        var same = FindingsDb.Open(db, day1.AddDays(2)).Record("fuzz K9", "fuzz --seed 1 --execs 100", [b]);
        Assert.Equal("known since 2026-11-30 02:00 UTC (run 1)", b.History);
        Assert.Equal(["fixed: I-V3 (first seen 2026-11-30 02:00 UTC, run 1; last seen run 1) is not found by the same work any more (fuzz --seed 1 --execs 100)"], same);

        // Another scope (the reference model) knows nothing of the K9 findings.
        Assert.Empty(FindingsDb.Open(db, day1.AddDays(3)).Record("fuzz reference", "fuzz --seed 1 --execs 100", []));
        var back = Finding("I-V3");
        FindingsDb.Open(db, day1.AddDays(4)).Record("fuzz K9", "fuzz --seed 1 --execs 100", [back]);
        Assert.Equal("known since 2026-11-30 02:00 UTC (run 1), was reported fixed in run 3 and is back", back.History);
    }

    [Fact]
    public void A_damaged_db_record_is_bad_input_naming_the_file()
    {
        string db = TempDir();
        File.WriteAllText(Path.Combine(db, "broken.json"), "{ not json");
        var (code, _, err) = Irq("fuzz", "--execs", "10", "--db", db, "--out", TempDir());
        Assert.Equal(2, code);
        Assert.StartsWith(Path.Combine(db, "broken.json") + ":1:", err.Trim());
    }
}
