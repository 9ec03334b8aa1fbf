using System.Runtime.CompilerServices;
using IrqVerify.Fuzz;

namespace IrqVerify.Cli;

/// <summary>
/// The model copy in the CLI's output is instrumented by sharpfuzz (fuzz/InstrumentModel.targets),
/// and its probes write through SharpFuzz's map pointer unconditionally: attach a private map before
/// any command runs model code. `irqverify fuzz` reads that map as its code-edge feedback.
/// </summary>
internal static class CoverageMap
{
    [ModuleInitializer]
    internal static void Attach() => EdgeCoverage.EnsureMap();
}
