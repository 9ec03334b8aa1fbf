using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;

namespace IrqVerify.Model.Tests.Matrix;

/// <summary>Standalone matrices booted the way x86 does it: system bits first, then every CPU online.</summary>
internal static class MatrixKit
{
    /// <summary>x86 default: window [0x20, 0xeb) = 203 slots, system bits 0x32 and 0x80 inside it → 201 per CPU.</summary>
    public static IrqMatrix X86(int cpus = 4, Variants? variants = null, DiagnosticLog? log = null, bool online = true) =>
        Booted(cpus, 0x20, 0xeb, [0x32, 0x80], variants, log, online);

    /// <summary>A tiny window [0x20, 0x24) without system bits: 4 slots per CPU, easy to fill.</summary>
    public static IrqMatrix Tiny(int cpus = 3, Variants? variants = null, DiagnosticLog? log = null, bool online = true) =>
        Booted(cpus, 0x20, 0x24, [], variants, log, online);

    public static IrqMatrix Booted(int cpus, int start, int end, int[] system, Variants? variants = null, DiagnosticLog? log = null, bool online = true)
    {
        var m = new IrqMatrix(cpus, Bitmap256.Bits, start, end, log ?? new DiagnosticLog(), variants);
        foreach (int b in system) m.AssignSystem(0, b, replace: false);
        if (online) for (int c = 0; c < cpus; c++) m.Online(c);
        return m;
    }

    public static int AllocOn(this IrqMatrix m, int cpu)
    {
        Assert.Equal(Errno.Ok, m.Alloc(CpuMask.Of(cpu), false, out int got, out int bit));
        Assert.Equal(cpu, got);
        return bit;
    }

    public static void Fill(this IrqMatrix m, int cpu)
    {
        while (m.Map(cpu).Available > 0) m.AllocOn(cpu);
    }

    public static string[] Ids(this List<Violation> v) => v.Select(x => x.Id).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToArray();

    public static void Clean(IrqMatrix m)
    {
        var v = MatrixInvariants.CheckAll(m);
        Assert.True(v.Count == 0, string.Join("\n", v));
    }
}
