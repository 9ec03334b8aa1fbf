using IrqVerify.Traces.Format;

namespace IrqVerify.Traces.Check;

/// <summary>
/// An irq_matrix_* event with its integer fields: the operation (the event name without the
/// prefix), its bit and CPU, and the counters the kernel printed after the operation. Global
/// events (online, offline, reserve, remove_reserved) act on the recording CPU or on no CPU.
/// </summary>
public sealed record MatrixEvent(TraceEvent Source, string Op, int Bit, int Cpu, bool HasCpuCounters,
    bool Online, int Avl, int Alloc, int Managed, int OnlineMaps, int GlobalAvl, int GlobalRsvd, int TotalAlloc)
{
    public static MatrixEvent From(TraceEvent e)
    {
        bool perCpu = e.Fields.ContainsKey("avl");
        int I(string k) => EventAnnotator.Int(e, k);
        return new MatrixEvent(e, e.Name["irq_matrix_".Length..],
            e.Fields.ContainsKey("bit") ? I("bit") : -1,
            perCpu ? I("cpu") : e.Cpu,
            perCpu,
            perCpu && I("online") != 0,
            perCpu ? I("avl") : 0, perCpu ? I("alloc") : 0, perCpu ? I("managed") : 0,
            I("online_maps"), I("global_avl"), I("global_rsvd"), I("total_alloc"));
    }
}
