using IrqVerify.Model.Core;
namespace IrqVerify.Model.Pci;

/// <summary>
/// The MSI capability registers of one function (PCI spec; pci_regs.h PCI_MSI_*). Message Control
/// holds enable, MMC (read-only), MME, 64-bit and per-vector-masking bits; the address is two
/// separate 32-bit words and data a third, so a message rewrite is several config writes that a
/// device can observe half done.
/// </summary>
public sealed class MsiCapability(int mmc, bool maskBit, bool is64, ChangeEpoch epoch)
{
    public const ushort FlagEnable = 0x0001;
    public const ushort FlagQMask = 0x000e;
    public const ushort FlagQSize = 0x0070;
    public const ushort Flag64Bit = 0x0080;
    public const ushort FlagMaskBit = 0x0100;

    /// <summary>Multiple Message Capable (log2 of the capable vectors, ≤ 5).</summary>
    public int Mmc { get; } = mmc;
    public bool MaskBit { get; } = maskBit;
    public bool Is64 { get; } = is64;

    public bool Enable { get; set { field = value; epoch.Bump(); } }
    /// <summary>Multiple Message Enable (log2 of the enabled vectors).</summary>
    public int Mme { get; set { field = value; epoch.Bump(); } }
    public uint AddressLo { get; set { field = value; epoch.Bump(); } }
    public uint AddressHi { get; set { field = value; epoch.Bump(); } }
    public uint Data { get; set { field = value; epoch.Bump(); } }
    /// <summary>Mask and pending registers (present only with <see cref="MaskBit"/>). Reset: 0.</summary>
    public uint MaskReg { get; set { field = value; epoch.Bump(); } }
    public uint PendingReg { get; set { field = value; epoch.Bump(); } }

    public int CapableVectors => 1 << Mmc;

    /// <summary>msi_multi_mask(): the low 2^MMC bits, all 32 for MMC ≥ 5.</summary>
    public uint CapableMask => Mmc >= 5 ? uint.MaxValue : (1u << CapableVectors) - 1;

    public ushort Control => (ushort)((Enable ? FlagEnable : 0) | Mmc << 1 | Mme << 4 | (Is64 ? Flag64Bit : 0) | (MaskBit ? FlagMaskBit : 0));

    public MsiMessage Message => new(AddressLo, AddressHi, Data);

    public void Write(MsiMessage msg) { AddressLo = msg.AddressLo; AddressHi = msg.AddressHi; Data = msg.Data; }
}
