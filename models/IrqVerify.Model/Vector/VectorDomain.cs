using IrqVerify.Model.Core;

namespace IrqVerify.Model.Vector;

/// <summary>arch/x86/kernel/apic/vector.c — placeholder shell; the x86 subsystem fills it in.</summary>
public sealed class VectorDomain(Machine m)
{
    private readonly Machine _m = m;

    public CpuMask OnlineMask { get; private set; }

    public void Boot() { OnlineMask = CpuMask.FirstN(_m.Config.Cpus); }

    /// <summary>One round of quiescence work (deliver pending IRR vectors, run cleanup timers). True if anything happened.</summary>
    public bool DrainOnce() => false;

    public void Hash(ref StateHasher h) { h.Add(OnlineMask.Bits); }

    public void Dump(TextWriter w) { }
}
