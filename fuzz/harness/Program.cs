using System.Globalization;
using IrqVerify.Coverage;
using IrqVerify.Fuzz;
using IrqVerify.Fuzz.Harness;
using IrqVerify.Model;

// irqverify-afl [--variant K..]... [--machine JSON] [--no-groups] [--only ID,ID] [FILE]
//   Under afl-fuzz (fds 198/199 open): a persistent forkserver loop.
//   Otherwise (afl-showmap's plain exec, or by hand): runs FILE (or stdin) once; aborts (SIGABRT) on a failure.
// irqverify-afl --encode-seeds OUTDIR DIR...   writes every encodable *.irq under DIR as a seed input.
// irqverify-afl --signatures DIR...            prints the distinct failure signatures of the inputs.
var variants = new Variants();
var cfg = FuzzMachines.Small();
bool groups = true;
HashSet<string>? only = null;
string? file = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--variant": if (!variants.TryEnable(args[++i])) return Fail($"unknown variant '{args[i]}'"); break;
        case "--machine": cfg = MachineConfig.Load(args[++i]); break;
        case "--no-groups": groups = false; break;
        case "--only": only = new HashSet<string>(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal); break;
        case "--encode-seeds": return EncodeSeeds(args[++i], args[(i + 1)..]);
        case "--signatures": return Signatures(args[(i + 1)..]);
        default: file = args[i]; break;
    }
}
var table = new OpTable(cfg);
var exec = new FuzzExecutor(table, variants);
var features = new DomainFeatures();
exec.Features = features;

// Warm up: JIT the operations and run static constructors before AFL looks at the map, so that
// first-run-only paths do not show up as unstable edges.
var warm = new IrqVerify.Model.Core.SplitMix64(12345);
for (int k = 0; k < 300; k++)
{
    var b = new byte[64];
    for (int j = 0; j < b.Length; j++) b[j] = warm.Byte();
    Fuzzer.SignatureOf(exec, ByteFormat.Decode(b, table, groups), out _);
}

const int FsOptEnabled = unchecked((int)0x80000001), FsOptMapSize = 0x40000000, FsOptShdmemFuzz = 0x01000000;
string? shmId = Environment.GetEnvironmentVariable("__AFL_SHM_ID");
string? shmFuzzId = Environment.GetEnvironmentVariable("__AFL_SHM_FUZZ_ID");
unsafe
{
    if (shmId is not null && int.TryParse(shmId, NumberStyles.Integer, CultureInfo.InvariantCulture, out int id))
    {
        nint p = Native.shmat(id, 0, 0);
        if (p != -1) Cov.Attach((byte*)p);
    }
    uint hello = unchecked((uint)(FsOptEnabled | FsOptMapSize | ((Cov.MapSize - 1) << 1)));
    bool shmFuzz = shmFuzzId is not null;
    if (shmFuzz) hello |= FsOptShdmemFuzz;
    if (!Native.WriteWord(199, hello))
    {
        // No forkserver pipes: afl-showmap's second, plain exec, or a human. Run once.
        byte[] data = file is not null ? File.ReadAllBytes(file) : ReadStdin();
        string sig = RunOne(data);
        if (sig.Length > 0 && Counts(sig))
        {
            Console.Error.WriteLine($"irqverify-afl: violates {sig}");
            Native.abort();
        }
        return 0;
    }
    byte* input = null;
    if (shmFuzz)
    {
        if (!Native.ReadWord(198, out _)) return 0;
        if (int.TryParse(shmFuzzId, NumberStyles.Integer, CultureInfo.InvariantCulture, out int fid))
        {
            nint p = Native.shmat(fid, 0, 0);
            if (p != -1) input = (byte*)p;
        }
    }
    var buf = new byte[4096];
    int pid = Native.getpid();
    while (true)
    {
        if (!Native.ReadWord(198, out _)) return 0;       // AFL is gone
        if (!Native.WriteWord(199, (uint)pid)) return 0;
        // The input is read only now, after this run's control word.
        int len;
        if (input is not null)
        {
            len = (int)Math.Min(*(uint*)input, 1u << 20);
            if (buf.Length < len) buf = new byte[len];
            new ReadOnlySpan<byte>(input + 4, len).CopyTo(buf);
        }
        else len = file is not null ? ReadFile(file, ref buf) : Native.ReadAllFromStart(0, ref buf);
        Cov.Prev = 0;
        string sig = RunOne(buf.AsSpan(0, len).ToArray());
        // Status as a waitpid() word: 0 = exited normally, 6 = killed by SIGABRT (a crash for AFL).
        if (!Native.WriteWord(199, sig.Length > 0 && Counts(sig) ? 6u : 0u)) return 0;
    }
}

string RunOne(byte[] data)
{
    features.Clear();
    string sig = Fuzzer.SignatureOf(exec, ByteFormat.Decode(data, table, groups), out _);
    // Domain features go into the upper half of AFL's map (the instrumenter uses the lower half).
    unsafe
    {
        byte* dst = Cov.Map + Cov.MapSize / 2;
        for (int k = 0; k < DomainFeatures.Size; k++) dst[k] += features.Map[k];
    }
    return sig;
}

bool Counts(string sig) => only is null || sig.Split(',').Any(only.Contains);

static byte[] ReadStdin()
{
    using var ms = new MemoryStream();
    Console.OpenStandardInput().CopyTo(ms);
    return ms.ToArray();
}

static int ReadFile(string path, ref byte[] buf)
{
    try
    {
        var d = File.ReadAllBytes(path);
        if (buf.Length < d.Length) buf = new byte[d.Length];
        d.CopyTo(buf, 0);
        return d.Length;
    }
    catch (IOException) { return 0; }
}

static int Fail(string msg) { Console.Error.WriteLine("irqverify-afl: " + msg); return 2; }

int EncodeSeeds(string outDir, string[] dirs)
{
    Directory.CreateDirectory(outDir);
    var t = new OpTable(cfg);
    var seeds = Findings.Seeds(t, dirs, Console.Out);
    var ex = new FuzzExecutor(t, variants);
    int n = 0;
    foreach (var s in seeds)
    {
        // Crashing seeds make AFL's dry run abort: keep only clean ones.
        if (Fuzzer.SignatureOf(ex, ByteFormat.Decode(s, t, groups), out _).Length > 0) continue;
        File.WriteAllBytes(Path.Combine(outDir, $"seed{n++:D3}"), s);
    }
    Console.WriteLine($"{n} seed input(s) in {outDir}");
    return 0;
}

int Signatures(string[] dirs)
{
    var t = new OpTable(cfg);
    var ex = new FuzzExecutor(t, variants);
    var sigs = new SortedSet<string>(StringComparer.Ordinal);
    foreach (var d in dirs)
        if (Directory.Exists(d))
            foreach (var f in Directory.GetFiles(d, "id:*"))
            {
                string s = Fuzzer.SignatureOf(ex, ByteFormat.Decode(File.ReadAllBytes(f), t, groups), out _);
                if (s.Length > 0) sigs.Add(s);
            }
    Console.WriteLine($"{sigs.Count} {string.Join(" ", sigs)}");
    return 0;
}
