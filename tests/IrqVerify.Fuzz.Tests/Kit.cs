using IrqVerify.Fuzz;
using IrqVerify.Model;

namespace IrqVerify.Fuzz.Tests;

internal static class Kit
{
    public static readonly OpTable Table = new(FuzzMachines.Small());

    public static Variants V(params string[] names)
    {
        var v = new Variants();
        foreach (var n in names) Assert.True(v.TryEnable(n));
        return v;
    }

    public static byte[] RandomBytes(ulong seed, int len)
    {
        var r = new Rng(seed);
        var b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = r.Byte();
        return b;
    }

    public static string ExamplesDir => Path.Combine(AppContext.BaseDirectory, "examples");

    /// <summary>Long runs: IRQVERIFY_FUZZ_LONG=1 multiplies the exec budgets by 10.</summary>
    public static long Budget(long ci) => Environment.GetEnvironmentVariable("IRQVERIFY_FUZZ_LONG") == "1" ? ci * 10 : ci;
}
