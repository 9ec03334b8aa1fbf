using IrqVerify.Model;
using IrqVerify.Model.Program;

namespace IrqVerify.Fuzz;

/// <summary>
/// The vocabulary as the byte format sees it: the catalogue's operations in name order (so the
/// meaning of a byte does not depend on registration order), plus the machine facts argument
/// decoding needs (CPU count, devices, irq/port limits). The peer suites' harness operations
/// (<see cref="OpSpec.PeerHarness"/>) are not in it: no fuzz input can name them.
/// </summary>
public sealed class OpTable
{
    public OpTable(MachineConfig machine, OpCatalog? catalog = null)
    {
        Machine = machine;
        var all = (catalog ?? OpCatalog.Default).All;
        Ops = all.Where(o => !o.PeerHarness).ToArray();
        _harness = all.Where(o => o.PeerHarness).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        if (Ops.Length == 0 || Ops.Length > ByteFormat.FirstControl) throw new ArgumentException("the vocabulary must have 1..240 operations");
        Cpus = Math.Max(machine.Cpus, machine.Xen?.Vcpus ?? 0);
        for (int i = 0; i < Ops.Length; i++) _index[Ops[i].Name] = i;
    }

    public MachineConfig Machine { get; }
    public OpSpec[] Ops { get; }
    /// <summary>Valid CPU numbers are 0..Cpus-1 (the larger of x86 CPUs and Xen vCPUs).</summary>
    public int Cpus { get; }

    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly HashSet<string> _harness;

    /// <summary>True for a peer-suite harness operation, which the table leaves out.</summary>
    public bool IsHarness(string op) => _harness.Contains(op);

    public int IndexOf(string op) => _index.TryGetValue(op, out int i) ? i : -1;

    /// <summary>The bits of every CPU (the widest valid mask).</summary>
    public ulong AllCpus => Cpus >= 64 ? ulong.MaxValue : (1UL << Cpus) - 1;
}
