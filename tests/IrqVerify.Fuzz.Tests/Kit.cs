using IrqVerify.Fuzz;
using IrqVerify.Model;
using IrqVerify.Model.Program;

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
        var r = new IrqVerify.Model.Core.SplitMix64(seed);
        var b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = r.Byte();
        return b;
    }

    /// <summary>A program in the textual format as a fuzzer program on <see cref="Table"/>.</summary>
    public static FuzzProgram Program(string text) =>
        FuzzProgram.From(ProgramParser.Parse(text, "<seed>", Table.Machine), Table, "<seed>");

    /// <summary>A program in the textual format as a corpus input (byte format) for <see cref="Table"/>.</summary>
    public static byte[] Encode(string text) =>
        ByteFormat.Encode(Program(text), Table) ?? throw new ArgumentException("not expressible in the byte format", nameof(text));

    public static string ExamplesDir => Path.Combine(AppContext.BaseDirectory, "examples");

    /// <summary>Long runs: IRQVERIFY_FUZZ_LONG=1 multiplies the exec budgets by 10.</summary>
    public static long Budget(long ci) => Environment.GetEnvironmentVariable("IRQVERIFY_FUZZ_LONG") == "1" ? ci * 10 : ci;
}
