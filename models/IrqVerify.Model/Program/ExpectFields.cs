using IrqVerify.Model.Core;

namespace IrqVerify.Model.Program;

/// <summary>
/// The state an expectation can read, by object and field: one row per field with its type and how
/// to read it from a machine. The kernel's names where the kernel has one (irq_desc depth, IRQD_*
/// flags, struct cpumap and struct irq_matrix counters of kernel/irq/matrix.c).
/// </summary>
public static class ExpectFields
{
    /// <summary>One readable field; <see cref="Read"/> gets the object's number (0 for global objects).</summary>
    public sealed record Field(string Object, string Name, ExpectType Type, Func<Machine, long, ExpectValue> Read, string Summary);

    /// <summary>Objects written <c>obj(N).field</c>; the others (<c>matrix</c>, <c>vector</c>, <c>xen</c>) take no number.</summary>
    public static readonly IReadOnlySet<string> Numbered = new HashSet<string>(StringComparer.Ordinal) { "irq", "port", "vcpu", "cpu", "matrix.cpu" };

    public static readonly IReadOnlyList<Field> All =
    [
        Irq("depth", ExpectType.Int, d => ExpectValue.Int(d.DisableDepth), "disable depth (desc->depth)"),
        Irq("activated", ExpectType.Bool, d => ExpectValue.Bool(d.Activated), "IRQD_ACTIVATED"),
        Irq("started", ExpectType.Bool, d => ExpectValue.Bool(d.Started), "IRQD_IRQ_STARTED"),
        Irq("managed_shutdown", ExpectType.Bool, d => ExpectValue.Bool(d.ManagedShutdown), "IRQD_MANAGED_SHUTDOWN"),
        Irq("managed", ExpectType.Bool, d => ExpectValue.Bool(d.Managed), "IRQD_AFFINITY_MANAGED"),
        Irq("masked", ExpectType.Bool, d => ExpectValue.Bool(d.Masked), "IRQD_IRQ_MASKED"),
        Irq("requested", ExpectType.Bool, d => ExpectValue.Bool(d.Action is not null), "a handler (irqaction) is installed"),
        Irq("pending_replay", ExpectType.Bool, d => ExpectValue.Bool(d.PendingReplay), "IRQS_PENDING: an arrival to replay"),
        Irq("move_pending", ExpectType.Bool, d => ExpectValue.Bool(d.MovePending), "IRQD_SETAFFINITY_PENDING"),
        Irq("affinity", ExpectType.Mask, d => ExpectValue.Mask(d.Affinity), "the affinity mask"),
        Irq("effective_affinity", ExpectType.Mask, d => ExpectValue.Mask(d.EffectiveAffinity), "the effective affinity mask"),
        Irq("effective_cpu", ExpectType.Int, d => ExpectValue.Int(d.EffectiveAffinity.First), "first CPU of the effective affinity (-1: none)"),
        Irq("delivered", ExpectType.Int, d => ExpectValue.Int(d.Delivered), "arrivals at the flow handler"),
        Irq("handled", ExpectType.Int, d => ExpectValue.Int(d.Invocations), "handler invocations"),
        new("irq", "vector", ExpectType.Int, (m, n) => m.Irqs[(int)n] is null ? NoIrq(n) : ExpectValue.Int(m.Vector.Apic((int)n)?.Vector ?? -1), "x86 vector on the effective CPU (-1: none)"),
        new("irq", "port", ExpectType.Int, (m, n) => m.Irqs[(int)n] is null ? NoIrq(n) : ExpectValue.Int(m.Xen?.EvtchnFromIrq((int)n) ?? 0), "the Xen port the irq is bound to (evtchn_from_irq; 0: none)"),

        Port("allocated", ExpectType.Bool, (x, p) => ExpectValue.Bool(x.Hv.IsAllocated(p)), "the hypervisor's port is in use"),
        Port("pending", ExpectType.Bool, (x, p) => ExpectValue.Bool(x.Abi.IsPending(p)), "the pending bit"),
        Port("masked", ExpectType.Bool, (x, p) => ExpectValue.Bool(x.Abi.IsMasked(p)), "the mask bit"),
        Port("vcpu", ExpectType.Int, (x, p) => ExpectValue.Int(x.Hv.Ports[p].NotifyVcpu), "the vCPU Xen notifies"),
        Port("irq", ExpectType.Int, (x, p) => ExpectValue.Int(x.EvtchnToIrq.Get(p)), "evtchn_to_irq (-1: none)"),

        new("vcpu", "upcall_pending", ExpectType.Bool, (m, n) => m.Xen is not { } x || n < 0 || n >= x.Vcpus ? NoVcpu(n, ExpectType.Bool) : ExpectValue.Bool(x.Hv.UpcallPending[(int)n]), "vcpu_info.evtchn_upcall_pending"),
        new("vcpu", "online", ExpectType.Bool, (m, n) => m.Xen is not { } x || n < 0 || n >= x.Vcpus ? NoVcpu(n, ExpectType.Bool) : ExpectValue.Bool(x.Online.Contains((int)n)), "the guest's vCPU is online"),
        new("cpu", "online", ExpectType.Bool, (m, n) => ExpectValue.Bool(m.Vector.OnlineMask.Contains((int)n)), "the x86 CPU is online"),

        Map("available", m => m.Available, "struct cpumap available"),
        Map("allocated", m => m.Allocated, "struct cpumap allocated"),
        Map("managed", m => m.Managed, "struct cpumap managed"),
        Map("managed_allocated", m => m.ManagedAllocated, "struct cpumap managed_allocated"),
        new("matrix.cpu", "online", ExpectType.Bool, (m, n) => n < 0 || n >= m.Matrix.Cpus ? ExpectValue.None(ExpectType.Bool, $"no CPU {n}") : ExpectValue.Bool(m.Matrix.Map((int)n).Online), "struct cpumap online"),
        Global("global_available", m => m.Matrix.GlobalAvailable, "struct irq_matrix global_available"),
        Global("global_reserved", m => m.Matrix.GlobalReserved, "struct irq_matrix global_reserved"),
        Global("total_allocated", m => m.Matrix.TotalAllocated, "struct irq_matrix total_allocated"),
        Global("systembits_inalloc", m => m.Matrix.SystemBitsInAlloc, "struct irq_matrix systembits_inalloc"),
        Global("online_maps", m => m.Matrix.OnlineMaps, "struct irq_matrix online_maps"),
        Global("alloc_size", m => m.Matrix.AllocSize, "struct irq_matrix alloc_size"),
        new("xen", "jiffies", ExpectType.Int, (m, _) => m.Xen is { } x ? ExpectValue.Int(x.Jiffies) : ExpectValue.None(ExpectType.Int, "no Xen guest"), "the Xen guest's logical clock (ticks)"),
        new("vector", "dropped", ExpectType.Int, (m, _) => ExpectValue.Int(m.Vector.DroppedDeliveries), "interrupts that reached a CPU with no vector installed"),
    ];

    private static readonly Dictionary<(string, string), Field> ByName = All.ToDictionary(f => (f.Object, f.Name));

    public static bool TryGet(string obj, string field, out Field f) => ByName.TryGetValue((obj, field), out f!);

    public static IEnumerable<string> FieldsOf(string obj) => All.Where(f => f.Object == obj).Select(f => f.Name);

    public static IEnumerable<string> Objects => All.Select(f => f.Object).Distinct();

    private static ExpectValue NoIrq(long n) => ExpectValue.None(ExpectType.Int, $"no irq {n}");

    private static ExpectValue NoVcpu(long n, ExpectType t) => ExpectValue.None(t, $"no vCPU {n}");

    private static Field Irq(string name, ExpectType t, Func<Irq.IrqDesc, ExpectValue> read, string summary) =>
        new("irq", name, t, (m, n) => m.Irqs[(int)n] is { } d ? read(d) : ExpectValue.None(t, $"no irq {n}"), summary);

    private static Field Port(string name, ExpectType t, Func<Xen.XenEvents, int, ExpectValue> read, string summary) =>
        new("port", name, t, (m, n) => m.Xen is not { } x ? ExpectValue.None(t, "no Xen guest")
            : !x.Hv.IsValidPort((int)n) ? ExpectValue.None(t, $"no port {n}") : read(x, (int)n), summary);

    private static Field Map(string name, Func<Matrix.CpuMap, int> read, string summary) =>
        new("matrix.cpu", name, ExpectType.Int, (m, n) => n < 0 || n >= m.Matrix.Cpus ? ExpectValue.None(ExpectType.Int, $"no CPU {n}") : ExpectValue.Int(read(m.Matrix.Map((int)n))), summary);

    private static Field Global(string name, Func<Machine, int> read, string summary) =>
        new("matrix", name, ExpectType.Int, (m, _) => ExpectValue.Int(read(m)), summary);
}
