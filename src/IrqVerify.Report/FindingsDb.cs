using System.Globalization;
using System.Text.Json;

namespace IrqVerify.Report;

/// <summary>
/// The findings database (<c>--db DIR</c>): one small JSON file per finding, keyed by a stable
/// signature — the command's scope (command and variants) plus the sorted invariant ids, the same
/// id set every engine deduplicates by — with the date and run number it was first and last seen
/// and the work (seed, variants, count budgets) of the run that last saw it. A run reports each of
/// its findings as new or "known since DATE (run N)", and each earlier finding of the same scope it
/// did not find: "fixed" only when this run did the same work as the run that last saw it (the
/// engines are deterministic for a seed and count budgets), otherwise "not seen in this run" without
/// claiming anything. The clock only dates entries; it never influences what the engines do.
/// </summary>
public sealed class FindingsDb
{
    /// <summary>One finding's record (the JSON file).</summary>
    public sealed class Entry
    {
        public string Signature { get; set; } = "";
        public string Scope { get; set; } = "";
        public List<string> Invariants { get; set; } = new();
        public string Engine { get; set; } = "";
        public string Case { get; set; } = "";
        public string FirstSeen { get; set; } = "";
        public int FirstRun { get; set; }
        public string LastSeen { get; set; } = "";
        public int LastRun { get; set; }
        public string Work { get; set; } = "";
        public string Replay { get; set; } = "";
        /// <summary>The run that re-did the same work without finding it (0 while it is open).</summary>
        public int FixedRun { get; set; }
    }

    private sealed class Runs
    {
        public int Run { get; set; }
        public string Last { get; set; } = "";
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly string _dir;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public int Run { get; }
    public string Date { get; }

    private FindingsDb(string dir, int run, string date)
    {
        _dir = dir;
        Run = run;
        Date = date;
    }

    /// <summary>Opens (creating) the database and numbers this run. A file that is not a finding
    /// record is bad input: <see cref="IrqVerify.Model.ModelInputException"/>.</summary>
    public static FindingsDb Open(string dir, DateTime now)
    {
        Directory.CreateDirectory(dir);
        string runsPath = Path.Combine(dir, "runs.json");
        var runs = File.Exists(runsPath) ? Read<Runs>(runsPath) : new Runs();
        runs.Run++;
        runs.Last = now.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        File.WriteAllText(runsPath, JsonSerializer.Serialize(runs, Json));
        var db = new FindingsDb(dir, runs.Run, runs.Last);
        foreach (string f in Directory.GetFiles(dir, "*.json").OrderBy(s => s, StringComparer.Ordinal))
        {
            if (Path.GetFileName(f) == "runs.json") continue;
            var e = Read<Entry>(f);
            if (e.Signature.Length == 0) throw new IrqVerify.Model.ModelInputException(f, 0, 0, "not a finding record (no signature)");
            db._entries[e.Signature] = e;
        }
        return db;
    }

    private static T Read<T>(string path) where T : new()
    {
        try { return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? new T(); }
        catch (JsonException e) { throw new IrqVerify.Model.ModelInputException(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, "findings database: " + e.Message); }
    }

    public static string SignatureOf(string scope, IEnumerable<string> ids) =>
        scope + ":" + string.Join(",", ids.Distinct().OrderBy(s => s, StringComparer.Ordinal));

    /// <summary>Records this run's findings of <paramref name="scope"/> done with <paramref name="work"/>
    /// (null: a time budget, never the same work twice): sets each finding's History and returns
    /// the lines about earlier findings of the scope this run did not find.</summary>
    public List<string> Record(string scope, string? work, IReadOnlyList<FailureReport> findings)
    {
        var seenNow = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in findings)
        {
            string sig = SignatureOf(scope, f.Invariants);
            if (!seenNow.Add(sig)) continue;
            if (_entries.TryGetValue(sig, out var e))
            {
                f.History = $"known since {e.FirstSeen} (run {e.FirstRun})" + (e.FixedRun > 0 ? $", was reported fixed in run {e.FixedRun} and is back" : "");
                e.LastSeen = Date;
                e.LastRun = Run;
                e.FixedRun = 0;
            }
            else
            {
                f.History = $"new in run {Run} ({Date})";
                e = _entries[sig] = new Entry
                {
                    Signature = sig, Scope = scope, Invariants = f.Invariants.ToList(), Engine = f.Engine, Case = f.Case,
                    FirstSeen = Date, FirstRun = Run, LastSeen = Date, LastRun = Run,
                };
            }
            e.Work = work ?? $"time budget, run {Run}";
            e.Replay = f.Replay;
            Save(e);
        }
        var lines = new List<string>();
        foreach (var e in _entries.Values.Where(e => e.Scope == scope && !seenNow.Contains(e.Signature)).OrderBy(e => e.Signature, StringComparer.Ordinal))
        {
            string what = $"{string.Join(", ", e.Invariants)} (first seen {e.FirstSeen}, run {e.FirstRun}; last seen run {e.LastRun})";
            if (e.FixedRun > 0)
                lines.Add($"fixed since run {e.FixedRun}: {what}");
            else if (work is not null && e.Work == work)
            {
                e.FixedRun = Run;
                Save(e);
                lines.Add($"fixed: {what} is not found by the same work any more ({work})");
            }
            else
                lines.Add($"not seen in this run: {what}; this run did other work than run {e.LastRun}, so it is not reported fixed");
        }
        return lines;
    }

    private void Save(Entry e)
    {
        string name = string.Concat(e.Signature.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_'));
        if (name.Length > 100) name = name[..100];
        File.WriteAllText(Path.Combine(_dir, $"{name}-{StableHash(e.Signature)}.json"), JsonSerializer.Serialize(e, Json) + "\n");
    }

    private static string StableHash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) { h ^= c; h *= 16777619; }
        return h.ToString("x8", CultureInfo.InvariantCulture);
    }
}
