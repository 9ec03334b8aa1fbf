using IrqVerify.Model;
using IrqVerify.Model.Program;

namespace IrqVerify.Fuzz;

/// <summary>
/// A fuzz corpus directory carried between runs (CI cache, nightly campaigns): raw inputs that added
/// coverage (named by their FNV-1a hash), the raw inputs of earlier findings (<c>finding-HASH</c>,
/// replayed first so a run with the corpus finds at least what the run that wrote it found) and any
/// *.irq programs a user put there (seeds, never rewritten). At the end of a run the coverage inputs
/// are distilled: re-run smallest first on fresh coverage maps, keeping only those that add coverage.
/// Deterministic: files are read in ordinal order and distilled in (length, bytes) order.
/// </summary>
public sealed class Corpus
{
    public const string FindingPrefix = "finding-";

    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    private Corpus(string dir) => Dir = dir;

    public string Dir { get; }
    /// <summary>Inputs of earlier findings, in file-name order.</summary>
    public List<byte[]> Findings { get; } = new();
    /// <summary>Coverage inputs as read at the start, in file-name order.</summary>
    public List<byte[]> Inputs { get; } = new();
    /// <summary>*.irq programs in the directory, encoded (seeds the user placed there).</summary>
    public List<byte[]> Programs { get; } = new();
    /// <summary>Coverage inputs this run added.</summary>
    public int Added { get; private set; }
    /// <summary>Finding inputs this run added.</summary>
    public int AddedFindings { get; private set; }

    /// <summary>Opens (creating) the directory and reads it.</summary>
    public static Corpus Open(string dir, OpTable table, TextWriter? log = null)
    {
        Directory.CreateDirectory(dir);
        var c = new Corpus(dir);
        foreach (string f in Directory.GetFiles(dir).OrderBy(s => s, StringComparer.Ordinal))
        {
            string name = Path.GetFileName(f);
            if (name.StartsWith('.')) continue;
            if (name.EndsWith(".irq", StringComparison.Ordinal)) { c.Program(f, table, log); continue; }
            c._names.Add(name);
            (name.StartsWith(FindingPrefix, StringComparison.Ordinal) ? c.Findings : c.Inputs).Add(File.ReadAllBytes(f));
        }
        return c;
    }

    /// <summary>Encodes a *.irq program the user placed in the corpus (skipped, with a line, when the
    /// machine or the byte format cannot express it — as for the example seeds).</summary>
    private void Program(string path, OpTable table, TextWriter? log)
    {
        try
        {
            var fp = FuzzProgram.From(ProgramParser.Parse(File.ReadAllText(path), path, table.Machine), table, path);
            if (ByteFormat.Encode(fp, table) is { } bytes) Programs.Add(bytes);
            else log?.WriteLine($"seed {path}: not expressible in the byte format, skipped");
        }
        catch (ModelInputException e)
        {
            log?.WriteLine($"seed {path}: {e.Message}, skipped");
        }
    }

    /// <summary>The seeds of a run: earlier findings first, then the given seeds (example programs),
    /// then the user's programs and the coverage inputs.</summary>
    public List<byte[]> Seeds(IEnumerable<byte[]> examples) => [.. Findings, .. examples, .. Programs, .. Inputs];

    public int Loaded => Findings.Count + Inputs.Count;

    /// <summary>Saves an input that added coverage (FuzzOptions.OnNewInput).</summary>
    public void Add(byte[] input)
    {
        if (Save(Hash(input), input)) Added++;
    }

    /// <summary>Saves the raw input that found a failure.</summary>
    public void AddFinding(byte[] input)
    {
        if (Save(FindingPrefix + Hash(input), input)) AddedFindings++;
    }

    private bool Save(string name, byte[] input)
    {
        if (!_names.Add(name)) return false;
        File.WriteAllBytes(Path.Combine(Dir, name), input);
        return true;
    }

    public static string Hash(byte[] data)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in data) { h ^= b; h *= 1099511628211UL; }
        return h.ToString("x16");
    }

    /// <summary>What distilling kept: inputs kept and removed, and the coverage they hold (domain
    /// features plus, when the model is instrumented, edges; each hit-count class counted once).</summary>
    public readonly record struct Distilled(int Kept, int Removed, int Coverage);

    /// <summary>Re-runs every coverage input (smallest first) on fresh maps with <paramref name="exec"/>
    /// in its fast mode and deletes those that add nothing to what the inputs before them covered.</summary>
    public Distilled Distill(FuzzExecutor exec, bool groups)
    {
        var features = new DomainFeatures();
        var saved = exec.Features;
        exec.Features = features;
        bool edges = EdgeCoverage.Instrumented;
        if (edges) EdgeCoverage.Prepare();
        var virginDomain = new byte[DomainFeatures.Size];
        var virginEdges = new byte[EdgeCoverage.MapSize];
        int coverage = 0, kept = 0, removed = 0;
        var files = Directory.GetFiles(Dir)
            .Where(f => Path.GetFileName(f) is var n && !n.StartsWith('.') && !n.EndsWith(".irq", StringComparison.Ordinal)
                        && !n.StartsWith(FindingPrefix, StringComparison.Ordinal))
            .Select(f => (Path: f, Bytes: File.ReadAllBytes(f)))
            .OrderBy(x => x.Bytes.Length).ThenBy(x => x.Bytes, ByteOrder.Instance).ToList();
        try
        {
            foreach (var (path, bytes) in files)
            {
                features.Clear();
                if (edges) EdgeCoverage.Reset();
                try { exec.Run(ByteFormat.Decode(bytes, exec.Table, groups)); }
                catch (Exception e) when (e is not OutOfMemoryException) { /* an escaping exception still left its coverage */ }
                bool any = Merge(features.Map, virginDomain, ref coverage);
                if (edges) any |= Merge(EdgeCoverage.Map, virginEdges, ref coverage);
                if (any) { kept++; continue; }
                File.Delete(path);
                _names.Remove(Path.GetFileName(path));
                removed++;
            }
        }
        finally { exec.Features = saved; }
        return new Distilled(kept, removed, coverage);
    }

    /// <summary>New (entry, hit-count class) bits of <paramref name="map"/> against <paramref name="seen"/>.</summary>
    private static bool Merge(ReadOnlySpan<byte> map, byte[] seen, ref int coverage)
    {
        bool any = false;
        for (int i = 0; i < map.Length; i++)
        {
            byte v = map[i];
            if (v == 0) continue;
            byte cls = v switch { 1 => 1, 2 => 2, 3 => 4, < 8 => 8, < 16 => 16, < 32 => 32, < 128 => 64, _ => 128 };
            if ((seen[i] & cls) != 0) continue;
            seen[i] |= cls;
            coverage++;
            any = true;
        }
        return any;
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();
        public int Compare(byte[]? a, byte[]? b) => a!.AsSpan().SequenceCompareTo(b);
    }
}
