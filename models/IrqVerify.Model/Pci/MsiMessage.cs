namespace IrqVerify.Model.Pci;

/// <summary>
/// struct msi_msg: the (address lo, address hi, data) triple a function writes to signal. x86
/// encodings used by the model:
/// <list type="bullet">
/// <item>compatibility format: address 0xFEE00000 | dest APIC id &lt;&lt; 12, data = vector;</item>
/// <item>remappable format: address 0xFEE00000 | 0x10 (IR format bit), data = IRTE index (the
/// function modifies the low MME bits of data for multi-MSI, so the IRTE block must be aligned).</item>
/// </list>
/// An all-zero message is what msi_domain_deactivate() writes: it targets nothing.
/// </summary>
public readonly record struct MsiMessage(uint AddressLo, uint AddressHi, uint Data)
{
    public const uint X86Base = 0xFEE00000;
    public const uint RemapFormat = 0x10;

    public static readonly MsiMessage Zero = default;

    public static MsiMessage Compat(int cpu, int vector) => new(X86Base | (uint)cpu << 12, 0, (uint)vector);

    public static MsiMessage Remapped(int irteIndex) => new(X86Base | RemapFormat, 0, (uint)irteIndex);

    public bool IsZero => AddressLo == 0 && AddressHi == 0 && Data == 0;
    public bool IsValid => (AddressLo & 0xFFF00000) == X86Base;
    public bool IsRemapped => IsValid && (AddressLo & RemapFormat) != 0;
    public int DestCpu => (int)(AddressLo >> 12 & 0xFF);
    public int Vector => (int)(Data & 0xFF);
    public int IrteIndex => (int)(Data & 0xFFFF);

    /// <summary>The message the function emits for vector <paramref name="k"/> with 2^mme vectors
    /// enabled: the low mme bits of data replaced by k (PCI spec; §3.1).</summary>
    public MsiMessage ForVector(int k, int mme)
    {
        uint low = (1u << mme) - 1;
        return this with { Data = Data & ~low | (uint)k & low };
    }

    public override string ToString() =>
        IsZero ? "0" : IsRemapped ? $"IR[{IrteIndex}]" : IsValid ? $"cpu{DestCpu}/0x{Vector:x2}" : $"{AddressHi:x8}:{AddressLo:x8}/{Data:x4}";
}
