namespace IrqVerify.Model.Core;

/// <summary>
/// A broken invariant: the catalogue ID (spec §8, e.g. "I-V3") and a message naming the CPU,
/// vector, irq, device or port involved.
/// </summary>
public readonly record struct Violation(string Id, string Message)
{
    public override string ToString() => $"{Id}: {Message}";
}
