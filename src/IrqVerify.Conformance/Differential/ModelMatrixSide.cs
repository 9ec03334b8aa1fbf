using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;

namespace IrqVerify.Conformance.Differential;

/// <summary>The model's <see cref="IrqMatrix"/>, its diagnostics counted per call: WARN, fatal
/// assertion (the kernel's BUG), Info (the kernel's pr_warn) and caller misuse.</summary>
public sealed class ModelMatrixSide : IMatrixSide
{
    private readonly DiagnosticLog _diag = new();

    public ModelMatrixSide(MatrixGeometry g, Variants? variants = null)
    {
        Matrix = new IrqMatrix(g.Cpus, g.MatrixBits, g.AllocStart, g.AllocEnd, _diag, variants);
    }

    public IrqMatrix Matrix { get; }

    public CallOutcome Apply(MatrixCall c)
    {
        int before = _diag.Count;
        int ret = 0;
        uint mapped = CallOutcome.NoCpu;
        var m = Matrix;
        switch (c.Kind)
        {
            case MatrixCallKind.Online: m.Online(c.Cpu); break;
            case MatrixCallKind.Offline: m.Offline(c.Cpu); break;
            case MatrixCallKind.AssignSystem: m.AssignSystem(c.Cpu, c.Bit, c.Flag); break;
            case MatrixCallKind.Assign: m.Assign(c.Cpu, c.Bit); break;
            case MatrixCallKind.ReserveManaged: ret = -(int)m.ReserveManaged(c.Mask); break;
            case MatrixCallKind.RemoveManaged: m.RemoveManaged(c.Mask); break;
            case MatrixCallKind.AllocManaged:
            {
                var e = m.AllocManaged(c.Mask, out int cpu, out int bit);
                (ret, mapped) = e == Errno.Ok ? (bit, (uint)cpu) : (-(int)e, CallOutcome.NoCpu);
                break;
            }
            case MatrixCallKind.Alloc:
            {
                var e = m.Alloc(c.Mask, c.Flag, out int cpu, out int bit);
                (ret, mapped) = e == Errno.Ok ? (bit, (uint)cpu) : (-(int)e, CallOutcome.NoCpu);
                break;
            }
            case MatrixCallKind.Free: m.Free(c.Cpu, c.Bit, c.Flag); break;
            case MatrixCallKind.Reserve: m.Reserve(); break;
            case MatrixCallKind.RemoveReserved: m.RemoveReserved(); break;
            case MatrixCallKind.QueryAvailable: ret = m.Available(c.Cpu, c.Flag); break;
            case MatrixCallKind.QueryReserved: ret = m.Reserved(); break;
            case MatrixCallKind.QueryAllocated: ret = m.Allocated(c.Cpu); break;
            default: throw new ArgumentOutOfRangeException(nameof(c));
        }
        int warns = 0, bugs = 0, infos = 0, misuse = 0;
        for (int i = before; i < _diag.Count; i++)
        {
            switch (_diag.Items[i].Severity)
            {
                case Severity.Warn: warns++; break;
                case Severity.Fatal: bugs++; break;
                case Severity.Info: infos++; break;
                default: misuse++; break;
            }
        }
        return new CallOutcome(ret, mapped, warns, bugs, infos, misuse);
    }

    /// <summary>The diagnostics of the last call (for the divergence report).</summary>
    public IEnumerable<Diagnostic> Diagnostics => _diag.Items;

    public MatrixSnapshot Snapshot()
    {
        var m = Matrix;
        var s = new MatrixSnapshot
        {
            GlobalAvailable = unchecked((uint)m.GlobalAvailable),
            GlobalReserved = unchecked((uint)m.GlobalReserved),
            SystemBitsInAlloc = unchecked((uint)m.SystemBitsInAlloc),
            TotalAllocated = unchecked((uint)m.TotalAllocated),
            OnlineMaps = unchecked((uint)m.OnlineMaps),
            SystemMap = m.SystemMap,
            Cpus = new MatrixSnapshot.CpuRow[m.Cpus],
        };
        for (int c = 0; c < m.Cpus; c++)
        {
            var cm = m.Map(c);
            s.Cpus[c] = new MatrixSnapshot.CpuRow
            {
                Available = cm.AvailableUnsigned,
                Allocated = unchecked((uint)cm.Allocated),
                Managed = unchecked((uint)cm.Managed),
                ManagedAllocated = unchecked((uint)cm.ManagedAllocated),
                Initialized = cm.Initialized,
                Online = cm.Online,
                AllocMap = cm.AllocMap,
                ManagedMap = cm.ManagedMap,
            };
        }
        return s;
    }

    public void Dispose() { }
}
