using System.Runtime.InteropServices;
using IrqVerify.Fuzz;
using IrqVerify.Fuzz.Harness;
using IrqVerify.Model;
using SharpFuzz;
using Fuzzer = SharpFuzz.Fuzzer;

// irqverify-afl [--variant K..]... [--machine JSON] [--no-groups] [--only ID,ID] [--persistent] [--libfuzzer]
//               [--plant-hang HEX] [FILE]
//   Under afl-fuzz (__AFL_SHM_ID set): SharpFuzz's fork server, by default Fuzzer.OutOfProcess.Run (a
//   supervisor that restarts its worker after a hang or a hard crash); --persistent: Fuzzer.Run (one
//   process, dies with the first hang). Under libfuzzer-dotnet (--libfuzzer and __LIBFUZZER_SHM_ID set):
//   Fuzzer.LibFuzzer.Run. Otherwise runs FILE (or stdin) once and exits 1 on a failure.
//   A failure is the differential signature (DifferentialSignature) filtered by --only; it is reported to
//   the engine as a crash (an exception out of the action).
//   --plant-hang HEX: spin forever on inputs that start with these bytes (checks that a campaign
//   survives a hang; the model itself has no unbounded loop).
// irqverify-afl --encode-seeds OUTDIR DIR...   writes every encodable *.irq under DIR as a seed input.
// irqverify-afl --signatures DIR...            prints the distinct failure signatures of the inputs.
// The instrumented model writes through SharpFuzz's map pointer: a private map until a run loop
// attaches the engine's shared memory (before any model code, constructors included).
EdgeCoverage.EnsureMap();
var variants = new Variants();
var cfg = FuzzMachines.Small();
bool groups = true, persistent = false, libFuzzer = false;
HashSet<string>? only = null;
byte[]? hang = null;
string? file = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--variant": if (!variants.TryEnable(args[++i])) return Fail($"unknown variant '{args[i]}'"); break;
        case "--machine": cfg = MachineConfig.Load(args[++i]); break;
        case "--no-groups": groups = false; break;
        case "--only": only = new HashSet<string>(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal); break;
        case "--persistent": persistent = true; break;
        case "--libfuzzer": libFuzzer = true; break;
        case "--plant-hang": hang = Convert.FromHexString(args[++i]); break;
        case "--encode-seeds": return EncodeSeeds(args[++i], args[(i + 1)..]);
        case "--signatures": return Signatures(args[(i + 1)..]);
        default: file = args[i]; break;
    }
}

var table = new OpTable(cfg);
var judge = new DifferentialSignature(new FuzzExecutor(table, variants));
var features = new DomainFeatures();
judge.Executor.Features = features;

// Warm up: JIT the operations and run static constructors before the engine looks at the map, so
// that first-run-only paths do not show up as unstable edges.
var warm = new IrqVerify.Model.Core.SplitMix64(12345);
for (int k = 0; k < 300; k++)
{
    var b = new byte[64];
    for (int j = 0; j < b.Length; j++) b[j] = warm.Byte();
    judge.Of(ByteFormat.Decode(b, table, groups));
}

if (libFuzzer && Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is not null)
{
    // libfuzzer-dotnet's shared memory holds the 64 KiB edge map and then the input: fold the domain
    // features into the edge map.
    Fuzzer.LibFuzzer.Run(span => Check(span, appended: false));
    return 0;
}
if (Environment.GetEnvironmentVariable("__AFL_SHM_ID") is not null)
{
    // run-fuzz.sh sets AFL_MAP_SIZE to leave room for the domain features after SharpFuzz's 64 KiB.
    bool appended = DomainMap.FitsAfterEdges(Environment.GetEnvironmentVariable("AFL_MAP_SIZE"));
    var buf = new byte[4096];
    Action<Stream> action = s => Check(buf.AsSpan(0, ReadAll(s, ref buf)), appended);
    if (persistent) Fuzzer.Run(action);
    else Fuzzer.OutOfProcess.Run(action);
    return 0;
}
{
    byte[] data = file is not null ? File.ReadAllBytes(file) : ReadStdin();
    string sig = RunOne(data);
    if (sig.Length == 0 || !Counts(sig)) return 0;
    Console.Error.WriteLine($"irqverify-afl: violates {sig}");
    return 1;
}

// One input under an engine: a counted failure escapes as an exception, which SharpFuzz reports as a crash.
void Check(ReadOnlySpan<byte> input, bool appended)
{
    if (hang is not null && input.StartsWith(hang)) while (true) Thread.SpinWait(1000);
    features.Clear();
    string sig = RunOne(input.ToArray());
    DomainMap.Add(features, appended);
    if (sig.Length > 0 && Counts(sig)) throw new InvariantViolationException(sig);
}

string RunOne(byte[] data) => judge.Of(ByteFormat.Decode(data, table, groups));

bool Counts(string sig) => only is null || sig.Split(',').Any(only.Contains);

static int ReadAll(Stream s, ref byte[] buf)
{
    int len = 0, n;
    while ((n = s.Read(buf, len, buf.Length - len)) > 0)
    {
        len += n;
        if (len == buf.Length) Array.Resize(ref buf, buf.Length * 2);
    }
    return len;
}

static byte[] ReadStdin()
{
    using var ms = new MemoryStream();
    Console.OpenStandardInput().CopyTo(ms);
    return ms.ToArray();
}

static int Fail(string msg) { Console.Error.WriteLine("irqverify-afl: " + msg); return 2; }

int EncodeSeeds(string outDir, string[] dirs)
{
    Directory.CreateDirectory(outDir);
    var t = new OpTable(cfg);
    var seeds = Findings.Seeds(t, dirs, Console.Out);
    var ex = new DifferentialSignature(new FuzzExecutor(t, variants));
    int n = 0;
    foreach (var s in seeds)
    {
        // Crashing seeds make AFL's dry run abort: keep only clean ones.
        if (ex.Of(ByteFormat.Decode(s, t, groups)).Length > 0) continue;
        File.WriteAllBytes(Path.Combine(outDir, $"seed{n++:D3}"), s);
    }
    Console.WriteLine($"{n} seed input(s) in {outDir}");
    return 0;
}

int Signatures(string[] dirs)
{
    var t = new OpTable(cfg);
    var ex = new DifferentialSignature(new FuzzExecutor(t, variants));
    var sigs = new SortedSet<string>(StringComparer.Ordinal);
    foreach (var d in dirs)
        if (Directory.Exists(d))
            foreach (var f in Directory.GetFiles(d, "id:*").Concat(Directory.GetFiles(d, "crash-*")))
            {
                string s = ex.Of(ByteFormat.Decode(File.ReadAllBytes(f), t, groups));
                if (s.Length > 0) sigs.Add(s);
            }
    Console.WriteLine($"{sigs.Count} {string.Join(" ", sigs)}");
    return 0;
}
