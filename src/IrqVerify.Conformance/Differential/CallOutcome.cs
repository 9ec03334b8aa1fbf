namespace IrqVerify.Conformance.Differential;

/// <summary>
/// What one call returned and reported: the return value (the bit, -errno, a query's value, 0 for
/// void functions), the CPU written to *mapped_cpu (<see cref="NoCpu"/> when not written) and the
/// number of WARNs, BUGs and pr_warns it raised. <see cref="Misuse"/> counts the model's
/// caller-misuse diagnostics, which the kernel has no counterpart for (always 0 on the kernel side).
/// </summary>
public readonly record struct CallOutcome(int Ret, uint MappedCpu, int Warns, int Bugs, int PrWarns, int Misuse)
{
    public const uint NoCpu = uint.MaxValue;

    public override string ToString() =>
        $"ret {Ret}, cpu {(MappedCpu == NoCpu ? "-" : MappedCpu.ToString(System.Globalization.CultureInfo.InvariantCulture))}, " +
        $"WARN {Warns}, BUG {Bugs}, pr_warn {PrWarns}" + (Misuse > 0 ? $", misuse {Misuse}" : "");
}
