using System.Collections.Immutable;
using IrqVerify.Model.Core;

namespace IrqVerify.Properties.Tests.Matrix;

/// <summary>
/// A small abstract model of kernel/irq/matrix.c's non-managed allocator: per CPU only "online"
/// and the set of allocated vectors. The policy is stated directly: irq_matrix_alloc takes the
/// online CPU of the mask with the most free slots (first on ties), there the lowest free vector
/// of the window; -EINVAL for an empty mask, -ENOSPC when no online CPU of the mask has room.
/// A CPU keeps its vectors while offline, and only online CPUs count in global_available.
/// Immutable: FsCheck precomputes the model along a generated sequence.
/// </summary>
public sealed record AbstractMatrix(int Start, int End, ImmutableSortedSet<int> System, ImmutableArray<bool> Online,
    ImmutableArray<ImmutableSortedSet<int>> Allocated, (Errno Error, int Cpu, int Bit) Last = default)
{
    public int Cpus => Online.Length;

    public static AbstractMatrix Boot(int cpus, int start, int end, IEnumerable<int> system) =>
        new(start, end, system.ToImmutableSortedSet(), Enumerable.Repeat(true, cpus).ToImmutableArray(),
            Enumerable.Repeat(ImmutableSortedSet<int>.Empty, cpus).ToImmutableArray());

    public int Available(int cpu) => End - Start - System.Count(b => b >= Start && b < End) - Allocated[cpu].Count;

    public int GlobalAvailable => Enumerable.Range(0, Cpus).Where(c => Online[c]).Sum(Available);

    public AbstractMatrix Alloc(CpuMask mask)
    {
        if (mask.IsEmpty) return this with { Last = (Errno.EINVAL, -1, -1) };
        int best = -1;
        for (int c = 0; c < Cpus; c++)
            if (mask.Contains(c) && Online[c] && Available(c) > 0 && (best < 0 || Available(c) > Available(best))) best = c;
        if (best < 0) return this with { Last = (Errno.ENOSPC, -1, -1) };
        int bit = Enumerable.Range(Start, End - Start).First(b => !System.Contains(b) && !Allocated[best].Contains(b));
        return this with { Allocated = Allocated.SetItem(best, Allocated[best].Add(bit)), Last = (Errno.Ok, best, bit) };
    }

    public AbstractMatrix Free(int cpu, int bit) => this with { Allocated = Allocated.SetItem(cpu, Allocated[cpu].Remove(bit)), Last = default };

    public AbstractMatrix SetOnline(int cpu, bool online) => this with { Online = Online.SetItem(cpu, online), Last = default };

    public override string ToString() =>
        string.Join(" ", Enumerable.Range(0, Cpus).Select(c => $"CPU{c}{(Online[c] ? "" : "(off)")}{{{string.Join(",", Allocated[c].Select(b => $"0x{b:x}"))}}}"));
}
