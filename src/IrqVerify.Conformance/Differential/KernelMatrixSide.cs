using IrqVerify.Conformance.Native;
using IrqVerify.Model.Core;

namespace IrqVerify.Conformance.Differential;

/// <summary>The kernel's own matrix.c, compiled natively (one irq_alloc_matrix per instance).</summary>
public sealed unsafe class KernelMatrixSide : IMatrixSide
{
    private readonly KernelMatrixLibrary _lib;
    private readonly int _cpus;
    private nint _h;

    public KernelMatrixSide(KernelMatrixLibrary lib, MatrixGeometry g)
    {
        _lib = lib;
        _cpus = g.Cpus;
        _h = lib.Create((uint)g.Cpus, (uint)g.MatrixBits, (uint)g.AllocStart, (uint)g.AllocEnd);
        if (_h == 0) throw new ArgumentException($"irq_alloc_matrix failed for {g}", nameof(g));
    }

    public CallOutcome Apply(MatrixCall c)
    {
        KmxResult r;
        _lib.Op(_h, (int)c.Kind, (uint)c.Cpu, c.Mask.Bits, (uint)c.Bit, c.Flag ? 1 : 0, &r);
        return new CallOutcome(r.Ret, r.MappedCpu, (int)r.Warns, (int)r.Bugs, (int)r.PrWarns, 0);
    }

    public MatrixSnapshot Snapshot()
    {
        KmxGlobals g;
        _lib.Globals(_h, &g);
        var s = new MatrixSnapshot
        {
            GlobalAvailable = g.GlobalAvailable,
            GlobalReserved = g.GlobalReserved,
            SystemBitsInAlloc = g.SystemBitsInAlloc,
            TotalAllocated = g.TotalAllocated,
            OnlineMaps = g.OnlineMaps,
            SystemMap = Bits(g.SystemMap),
            Cpus = new MatrixSnapshot.CpuRow[_cpus],
        };
        for (int c = 0; c < _cpus; c++)
        {
            KmxCpu k;
            _lib.Cpu(_h, (uint)c, &k);
            s.Cpus[c] = new MatrixSnapshot.CpuRow
            {
                Available = k.Available,
                Allocated = k.Allocated,
                Managed = k.Managed,
                ManagedAllocated = k.ManagedAllocated,
                Initialized = k.Initialized != 0,
                Online = k.Online != 0,
                AllocMap = Bits(k.AllocMap),
                ManagedMap = Bits(k.ManagedMap),
            };
        }
        return s;
    }

    private static Bitmap256 Bits(ulong* w)
    {
        var b = new Bitmap256();
        for (int i = 0; i < 4; i++) b.SetWord(i, w[i]);
        return b;
    }

    public void Dispose()
    {
        if (_h == 0) return;
        _lib.Destroy(_h);
        _h = 0;
    }
}
