namespace IrqVerify.Traces.Format;

/// <summary>
/// A parsed trace: the recorder's header (kernel version, CPU count, matrix window, device) and
/// the replayable events in order. A raw ftrace dump without the recorder's header parses too;
/// the CPU count then comes from ftrace's "#P:N".
/// </summary>
public sealed class TraceFile
{
    public required string Path { get; init; }
    public string? Kernel { get; init; }
    public int Cpus { get; init; }
    public int MatrixBits { get; init; } = 256;
    /// <summary>x86 FIRST_EXTERNAL_VECTOR (0x20).</summary>
    public int AllocStart { get; init; } = 0x20;
    /// <summary>x86 FIRST_SYSTEM_VECTOR (0xeb since v6.10: POSTED_MSI_NOTIFICATION_VECTOR).</summary>
    public int AllocEnd { get; init; } = 0xeb;
    public required IReadOnlyList<TraceEvent> Events { get; init; }
    /// <summary>Lines of other events (irq_vectors entry/exit, ...) that were skipped.</summary>
    public int Ignored { get; init; }
}
