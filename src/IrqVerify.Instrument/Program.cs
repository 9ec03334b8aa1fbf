using System.Globalization;
using IrqVerify.Instrument;

// irqverify-instrument INPUT.dll OUTPUT.dll [--map-size N] [--block-map FILE]
// Writes an AFL-edge-instrumented copy of INPUT (the model assembly). Exit 0 ok, 2 bad usage/input.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: irqverify-instrument INPUT.dll OUTPUT.dll [--map-size N] [--block-map FILE]");
    return 2;
}
int mapSize = IrqVerify.Coverage.Cov.MapSize;
string? blockMap = null;
for (int i = 2; i < args.Length; i++)
{
    if (args[i] == "--map-size" && i + 1 < args.Length) mapSize = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] == "--block-map" && i + 1 < args.Length) blockMap = args[++i];
    else { Console.Error.WriteLine($"irqverify-instrument: unknown argument '{args[i]}'"); return 2; }
}
if (mapSize <= 0 || (mapSize & (mapSize - 1)) != 0 || mapSize > IrqVerify.Coverage.Cov.MapSize)
{
    Console.Error.WriteLine($"irqverify-instrument: --map-size must be a power of two ≤ {IrqVerify.Coverage.Cov.MapSize}");
    return 2;
}
try
{
    string covDll = typeof(IrqVerify.Coverage.Cov).Assembly.Location;
    var r = Instrumenter.Run(args[0], args[1], covDll, mapSize);
    if (blockMap is not null) File.WriteAllLines(blockMap, r.BlockMap);
    int distinct = r.BlockMap.Select(l => l[..l.IndexOf('\t')]).Distinct().Count();
    Console.WriteLine($"instrumented {args[0]} -> {args[1]}: {r.Methods} methods, {r.Blocks} blocks ({distinct} distinct ids, map {mapSize})");
    return 0;
}
catch (Exception e) when (e is InvalidOperationException or IOException or BadImageFormatException)
{
    Console.Error.WriteLine($"irqverify-instrument: {args[0]}: {e.Message}");
    return 2;
}
