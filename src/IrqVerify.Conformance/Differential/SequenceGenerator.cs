using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;

namespace IrqVerify.Conformance.Differential;

/// <summary>
/// Random matrix call sequences from one seed. The geometry is drawn first (1-8 CPUs, 64-256
/// matrix bits, mostly small windows so that sequences reach exhaustion); then each call is drawn
/// from the model's current state so that most calls are meaningful (frees of live allocations,
/// onlines of offline CPUs) while a steady share is misuse: empty masks, offline-only masks, frees of
/// unallocated or out-of-window bits, the wrong managed flag, double offline, reservations released
/// below zero, and rarely a BUG_ON path (which ends the sequence).
/// </summary>
public sealed class SequenceGenerator
{
    private SplitMix64 _rng;
    private readonly int _length;
    private int _emitted;

    public SequenceGenerator(ulong seed)
    {
        _rng = new SplitMix64(seed);
        Geometry = DrawGeometry(ref _rng);
        _length = 5 + _rng.Below(60);
    }

    public MatrixGeometry Geometry { get; }

    private static MatrixGeometry DrawGeometry(ref SplitMix64 r)
    {
        int cpus = r.OneIn(7) ? 5 + r.Below(4) : 1 + r.Below(4);
        int bits = r.Below(6) switch { 0 => 64, 1 => 128, 2 => 200, _ => 256 };
        int start, end;
        switch (r.Below(20))
        {
            case < 11:
            {
                int size = 1 + r.Below(8);
                start = r.Below(bits - size + 1);
                end = start + size;
                break;
            }
            case < 16:
            {
                int size = 8 + r.Below(33);
                start = r.Below(bits - size + 1);
                end = start + size;
                break;
            }
            default:
                if (bits == 256) (start, end) = (32, 236); // x86: FIRST_EXTERNAL_VECTOR, FIRST_SYSTEM_VECTOR
                else (start, end) = (r.Below(16), bits - r.Below(16));
                break;
        }
        return new MatrixGeometry(cpus, bits, start, end);
    }

    /// <summary>The next call given the model's state, or null when the sequence is complete.</summary>
    public MatrixCall? Next(IrqMatrix m)
    {
        if (_emitted >= _length) return null;
        _emitted++;
        if (_rng.OneIn(150) && BugPath(m) is MatrixCall bug) return bug;
        return _rng.Below(40) switch
        {
            < 3 => OnlineOrOffline(m, online: true),
            < 5 => OnlineOrOffline(m, online: false),
            < 7 => AssignSystem(m),
            < 9 => Assign(m),
            < 12 => new MatrixCall(MatrixCallKind.ReserveManaged, Mask: Mask(m)),
            < 14 => new MatrixCall(MatrixCallKind.RemoveManaged, Mask: Mask(m)),
            < 17 => new MatrixCall(MatrixCallKind.AllocManaged, Mask: Mask(m)),
            < 24 => new MatrixCall(MatrixCallKind.Alloc, Mask: Mask(m), Flag: _rng.OneIn(3)),
            < 32 => Free(m),
            < 34 => new MatrixCall(MatrixCallKind.Reserve),
            < 35 => new MatrixCall(MatrixCallKind.RemoveReserved),
            < 37 => new MatrixCall(MatrixCallKind.QueryAvailable, Cpu: _rng.Below(m.Cpus), Flag: _rng.OneIn(2)),
            < 38 => new MatrixCall(MatrixCallKind.QueryReserved),
            _ => new MatrixCall(MatrixCallKind.QueryAllocated, Cpu: _rng.Below(m.Cpus)),
        };
    }

    private MatrixCall OnlineOrOffline(IrqMatrix m, bool online)
    {
        if (online)
        {
            // Online of an online CPU is a BUG_ON path; only BugPath emits it.
            int off = PickCpu(m, c => !m.Map(c).Online);
            return off >= 0 ? new MatrixCall(MatrixCallKind.Online, Cpu: off) : OnlineOrOffline(m, online: false);
        }
        // Mostly an online CPU; now and then any CPU, so double offlines happen (the kernel has no check).
        int cpu = _rng.OneIn(20) ? -1 : PickCpu(m, c => m.Map(c).Online);
        return new MatrixCall(MatrixCallKind.Offline, Cpu: cpu >= 0 ? cpu : _rng.Below(m.Cpus));
    }

    private MatrixCall AssignSystem(IrqMatrix m)
    {
        uint online = unchecked((uint)m.OnlineMaps);
        if (online == 0)
        {
            int bit = _rng.OneIn(2) ? m.AllocStart + _rng.Below(m.AllocSize) : _rng.Below(m.MatrixBits);
            return new MatrixCall(MatrixCallKind.AssignSystem, Cpu: _rng.Below(m.Cpus), Bit: bit);
        }
        if (online == 1 && PickAllocated(m) is (int cpu, int b))
            return new MatrixCall(MatrixCallKind.AssignSystem, Cpu: cpu, Bit: b, Flag: true);
        return new MatrixCall(MatrixCallKind.Alloc, Mask: Mask(m));
    }

    private MatrixCall Assign(IrqMatrix m)
    {
        int bit = _rng.OneIn(7) ? _rng.Below(m.MatrixBits + 8) : m.AllocStart + _rng.Below(m.AllocSize);
        return new MatrixCall(MatrixCallKind.Assign, Cpu: _rng.Below(m.Cpus), Bit: bit);
    }

    private MatrixCall Free(IrqMatrix m)
    {
        int roll = _rng.Below(20);
        if (roll < 15 && PickAllocated(m) is (int cpu, int bit))
        {
            bool managed = m.Map(cpu).ManagedMap.Test(bit);
            if (_rng.OneIn(12)) managed = !managed;
            return new MatrixCall(MatrixCallKind.Free, Cpu: cpu, Bit: bit, Flag: managed);
        }
        int b = roll < 18 ? m.AllocStart + _rng.Below(m.AllocSize) : _rng.Below(m.MatrixBits + 8);
        return new MatrixCall(MatrixCallKind.Free, Cpu: _rng.Below(m.Cpus), Bit: b, Flag: _rng.OneIn(3));
    }

    /// <summary>One of the BUG_ON paths, if the state offers one.</summary>
    private MatrixCall? BugPath(IrqMatrix m)
    {
        switch (_rng.Below(4))
        {
            case 0:
            {
                int cpu = PickCpu(m, c => m.Map(c).Online);
                return cpu < 0 ? null : new MatrixCall(MatrixCallKind.Online, Cpu: cpu);
            }
            case 1:
                // bit > matrix_bits (bit == matrix_bits is excluded: see docs/conformance.md).
                return new MatrixCall(MatrixCallKind.AssignSystem, Cpu: _rng.Below(m.Cpus), Bit: m.MatrixBits + 1 + _rng.Below(16));
            case 2:
                return m.OnlineMaps == 0 ? null
                    : new MatrixCall(MatrixCallKind.AssignSystem, Cpu: _rng.Below(m.Cpus), Bit: m.AllocStart + _rng.Below(m.AllocSize));
            default:
            {
                int cpu = _rng.Below(m.Cpus);
                int bit = m.AllocStart + _rng.Below(m.AllocSize);
                return m.Map(cpu).AllocMap.Test(bit) ? null : new MatrixCall(MatrixCallKind.AssignSystem, Cpu: cpu, Bit: bit, Flag: true);
            }
        }
    }

    private CpuMask Mask(IrqMatrix m)
    {
        if (_rng.OneIn(16)) return CpuMask.Empty;
        var mask = new CpuMask(_rng.Next() & CpuMask.FirstN(m.Cpus).Bits);
        return mask.IsEmpty ? CpuMask.Of(_rng.Below(m.Cpus)) : mask;
    }

    private int PickCpu(IrqMatrix m, Func<int, bool> ok)
    {
        int n = 0;
        for (int c = 0; c < m.Cpus; c++) if (ok(c)) n++;
        int k = _rng.Below(n);
        if (n == 0) return -1;
        for (int c = 0; c < m.Cpus; c++)
            if (ok(c) && k-- == 0) return c;
        return -1;
    }

    private (int Cpu, int Bit)? PickAllocated(IrqMatrix m)
    {
        int n = 0;
        for (int c = 0; c < m.Cpus; c++) n += m.Map(c).AllocMap.PopCount;
        int k = _rng.Below(n);
        if (n == 0) return null;
        for (int c = 0; c < m.Cpus; c++)
            foreach (int b in m.Map(c).AllocMap.SetBits())
                if (k-- == 0) return (c, b);
        return null;
    }
}
