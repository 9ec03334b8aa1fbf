namespace IrqVerify.Traces.Format;

/// <summary>
/// The fields each replayed event must carry, as printed by the kernel's TP_printk formats in
/// include/trace/events/irq_matrix.h and arch/x86/include/asm/trace/irq_vectors.h.
/// </summary>
public static class EventSchema
{
    private static readonly string[] MatrixGlobal = ["online_maps", "global_avl", "global_rsvd", "total_alloc"];
    private static readonly string[] MatrixCpu = ["bit", "cpu", "online", "avl", "alloc", "managed", .. MatrixGlobal];

    private static readonly Dictionary<string, string[]> Required = new()
    {
        ["irq_matrix_online"] = MatrixGlobal,
        ["irq_matrix_offline"] = MatrixGlobal,
        ["irq_matrix_reserve"] = MatrixGlobal,
        ["irq_matrix_remove_reserved"] = MatrixGlobal,
        ["irq_matrix_assign_system"] = ["bit", .. MatrixGlobal],
        ["irq_matrix_alloc_reserved"] = MatrixCpu,
        ["irq_matrix_reserve_managed"] = MatrixCpu,
        ["irq_matrix_remove_managed"] = MatrixCpu,
        ["irq_matrix_alloc_managed"] = MatrixCpu,
        ["irq_matrix_assign"] = MatrixCpu,
        ["irq_matrix_alloc"] = MatrixCpu,
        ["irq_matrix_free"] = MatrixCpu,
        ["vector_config"] = ["irq", "vector", "cpu", "apicdest"],
        ["vector_update"] = ["irq", "vector", "cpu", "prev_vector", "prev_cpu"],
        ["vector_clear"] = ["irq", "vector", "cpu", "prev_vector", "prev_cpu"],
        ["vector_reserve"] = ["irq", "ret"],
        ["vector_reserve_managed"] = ["irq", "ret"],
        ["vector_alloc"] = ["irq", "vector", "reserved", "ret"],
        ["vector_alloc_managed"] = ["irq", "vector", "ret"],
        ["vector_activate"] = ["irq", "is_managed", "can_reserve", "reserve"],
        ["vector_deactivate"] = ["irq", "is_managed", "can_reserve", "reserve"],
        ["vector_teardown"] = ["irq", "is_managed", "has_reserved"],
        ["vector_setup"] = ["irq", "is_legacy", "ret"],
        ["vector_free_moved"] = ["irq", "cpu", "vector", "is_managed"],
    };

    /// <summary>True for the irq_matrix and vector events the checker replays.</summary>
    public static bool IsKnown(string name) => Required.ContainsKey(name);

    public static IReadOnlyList<string> Fields(string name) => Required[name];

    public static bool IsMatrix(string name) => name.StartsWith("irq_matrix_", StringComparison.Ordinal);
}
