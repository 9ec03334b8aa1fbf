using System.Runtime.CompilerServices;
using IrqVerify.Fuzz;

namespace IrqVerify.Cli;

/// <summary>
/// `irqverify fuzz` runs in the load context whose model copy is instrumented by sharpfuzz
/// (InstrumentedModel), and the probes write through SharpFuzz's map pointer unconditionally: attach a
/// private map when this assembly loads, before the command runs model code. The fuzzer reads that map
/// as its code-edge feedback. (In the default context, on the pristine model, the map is unused.)
/// </summary>
internal static class CoverageMap
{
    [ModuleInitializer]
    internal static void Attach() => EdgeCoverage.EnsureMap();
}
