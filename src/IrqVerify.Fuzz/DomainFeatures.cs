using IrqVerify.Model;
using IrqVerify.Model.Core;

namespace IrqVerify.Fuzz;

/// <summary>
/// The second feedback map: abstract domain-state features that no IL probe sees (an IL edge is the
/// same whether CPU2 holds 3 or 13 vectors). After each step the executor records, hashed into a
/// small map of hit counters:
/// operation × result (value bucket or errno); the operation pair (previous, current);
/// every diagnostic rule an operation raised; per CPU: online × fill-level buckets (allocated,
/// managed, available); per live irq: activation/start/mask/disable-depth/move states and the
/// vector move state (move in progress, old CPU offline, cleanup queued); per bound Xen port:
/// type × mask reasons × pending × masked × active × late-EOI × list states.
/// Features are sets, not sequences: two programs reaching the same abstract states look the same.
/// </summary>
public sealed class DomainFeatures
{
    public const int Size = 1 << 13;
    public readonly byte[] Map = new byte[Size];

    public void Clear() => Array.Clear(Map);

    private void Add(uint h)
    {
        h ^= h >> 15; h *= 0x2c1b3c6d; h ^= h >> 12;
        ref byte b = ref Map[h & (Size - 1)];
        if (b != 255) b++;
    }

    private static uint Mix(uint a, uint b) => (a ^ b) * 16777619u + 0x9e3779b9u;

    /// <summary>AFL-style magnitude bucket (0, 1, 2, 3, 4-7, 8-15, 16+).</summary>
    private static uint Bucket(long v) => v <= 0 ? (v < 0 ? 7u : 0u) : v < 4 ? (uint)v : v < 8 ? 4u : v < 16 ? 5u : 6u;

    public void Op(int prevOp, int op, OpResult r)
    {
        uint res = r.Ok ? Bucket(r.Value) : 0x100u + (uint)(int)r.Error;
        Add(Mix(Mix(1, (uint)op), res));
        Add(Mix(Mix(2, (uint)prevOp), (uint)op));
    }

    public void Diagnostic(int op, Diagnostic d)
    {
        uint h = Mix(3, (uint)op);
        h = Mix(h, (uint)d.Severity);
        foreach (char c in d.Rule) h = Mix(h, c);
        Add(h);
    }

    /// <summary>Records the abstract state of the whole machine.</summary>
    public void State(Machine m)
    {
        for (int cpu = 0; cpu < m.Config.Cpus; cpu++)
        {
            var map = m.Matrix.Map(cpu);
            uint h = Mix(Mix(4, map.Online ? 1u : 0u), Bucket(map.Allocated));
            h = Mix(Mix(h, Bucket(map.ManagedAllocated)), Bucket(map.Managed));
            Add(Mix(h, map.Available <= 0 ? 0u : map.Available < 3 ? 1u : 2u));
        }
        foreach (var d in m.Irqs.AllocatedDescs())
        {
            uint s = (uint)d.Owner
                     | (d.Activated ? 1u << 4 : 0) | (d.ActivatedReserved ? 1u << 5 : 0)
                     | (d.Started ? 1u << 6 : 0) | (d.Masked ? 1u << 7 : 0)
                     | (uint)Math.Min(d.DisableDepth, 3) << 8 | (d.MovePending ? 1u << 10 : 0)
                     | (d.Managed ? 1u << 11 : 0) | (d.ManagedShutdown ? 1u << 12 : 0)
                     | (d.AffinityBroken ? 1u << 13 : 0) | (d.PendingReplay ? 1u << 14 : 0)
                     | (d.Action is null ? 0 : 1u << 15) | (d.AwaitingHandler ? 1u << 16 : 0);
            var a = m.Vector.Apic(d.Irq);
            if (a is not null)
            {
                s |= (a.MoveInProgress ? 1u << 17 : 0) | (a.InCleanupList ? 1u << 18 : 0) | (a.HasReserved ? 1u << 19 : 0)
                     | (a.PrevVector != 0 && a.PrevCpu >= 0 && a.PrevCpu < m.Config.Cpus && !m.Matrix.Map(a.PrevCpu).Online ? 1u << 20 : 0)
                     | (a.Vector == 0 ? 1u << 21 : 0) | (a.IsBlock ? 1u << 22 : 0);
            }
            Add(Mix(5, s));
        }
        if (m.Xen is { } x)
        {
            foreach (var info in x.LiveInfos())
            {
                if (!info.IsBound) continue;
                int port = info.Evtchn;
                uint s = (uint)info.Type | (uint)info.MaskReason << 3
                         | (x.Abi.IsPending(port) ? 1u << 6 : 0) | (x.Abi.IsMasked(port) ? 1u << 7 : 0)
                         | (info.IsActive ? 1u << 8 : 0) | (info.LateEoi ? 1u << 9 : 0)
                         | (info.OnEoiList ? 1u << 10 : 0) | (uint)Math.Min(info.ClaimCount, 2) << 11
                         | (info.RebindsInProgress > 0 ? 1u << 13 : 0) | (uint)Math.Min(info.Cpu, 3) << 14
                         | (info.Refcnt > 0 ? 1u << 16 : 0);
                Add(Mix(6, s));
            }
        }
    }
}
