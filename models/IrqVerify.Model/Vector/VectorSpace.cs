namespace IrqVerify.Model.Vector;

/// <summary>
/// The x86 vector space (arch/x86/include/asm/irq_vectors.h, hw_irq.h; spec §2.1). The allocation
/// window itself comes from the machine configuration (FIRST_EXTERNAL_VECTOR .. FIRST_SYSTEM_VECTOR).
/// </summary>
public static class VectorSpace
{
    public const int NrVectors = 256;
    public const int FirstExternalVector = 0x20;
    /// <summary>MANAGED_IRQ_SHUTDOWN_VECTOR: where reserved / shut-down irqs point their hardware.</summary>
    public const int ManagedIrqShutdownVector = 0xef;

    /// <summary>vector_irq sentinels. VECTOR_UNUSED is NULL in the kernel, the others are ERR_PTRs;
    /// none of them is a descriptor (IS_ERR_OR_NULL).</summary>
    public const int VectorUnused = -1;
    public const int VectorShutdown = -2;
    public const int VectorRetriggered = -3;

    /// <summary>IS_ERR_OR_NULL(vector_irq[v]) negated: the entry names a descriptor.</summary>
    public static bool IsDesc(int entry) => entry >= 0;

    public static string EntryText(int entry) => entry switch
    {
        VectorUnused => "UNUSED",
        VectorShutdown => "SHUTDOWN",
        VectorRetriggered => "RETRIGGERED",
        _ => "irq " + entry,
    };
}
