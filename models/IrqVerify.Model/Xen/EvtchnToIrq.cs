using IrqVerify.Model.Core;

namespace IrqVerify.Model.Xen;

/// <summary>
/// evtchn_to_irq: a two-level table of Linux irqs by port; rows of one page of ints are
/// allocated lazily; unmapped entries read -1. Rows are installed with compare-and-exchange
/// (the loser drops its page and uses the winner's row); known bug K14 installs them with a
/// separate check and store, so a concurrent installer can overwrite a row holding a mapping.
/// </summary>
public sealed class EvtchnToIrq
{
    /// <summary>EVTCHN_PER_ROW: one 4 KiB page of ints.</summary>
    public const int RowSize = 1024;

    private readonly int[]?[] _rows;
    /// <summary>The Xen subsystem's change epoch: every write below (Set, Clear, DropRow, CopyFrom) bumps it.</summary>
    private readonly ChangeEpoch _epoch;

    public EvtchnToIrq(int maxPorts, ChangeEpoch epoch)
    {
        _rows = new int[]?[(maxPorts + RowSize - 1) / RowSize];
        _epoch = epoch;
    }

    public int Capacity => _rows.Length * RowSize;

    public bool RowPresent(int row) => _rows[row] is not null;

    /// <summary>get_evtchn_to_irq: -1 for an out-of-range port or a missing row.</summary>
    public int Get(int port)
    {
        if (port < 0 || port >= Capacity) return -1;
        var row = _rows[port / RowSize];
        return row is null ? -1 : row[port % RowSize];
    }

    /// <summary>
    /// set_evtchn_to_irq. Requires port in range. Allocating a row may sleep (a scheduling point);
    /// clearing an entry in a missing row is a no-op (it reads -1 anyway).
    /// </summary>
    internal IEnumerable<Sched> Set(Machine m, int port, int irq)
    {
        int r = port / RowSize;
        if (_rows[r] is null)
        {
            if (irq == -1) yield break;
            var page = new int[RowSize];
            Array.Fill(page, -1);
            yield return Sched.At("set_evtchn_to_irq.alloc_row");
            if (m.Variants.K14)
            {
                // K14: the earlier "row missing" check is trusted; a concurrent installer's row is overwritten.
                _rows[r] = page;
                _epoch.Bump();
                m.Trace?.Effect($"evtchn_to_irq row {r} stored (unchecked)");
            }
            else if (_rows[r] is null)
            {
                _rows[r] = page;
                _epoch.Bump();
                m.Trace?.Effect($"evtchn_to_irq row {r} installed by cmpxchg");
            }
        }
        _rows[r]![port % RowSize] = irq;
        _epoch.Bump();
    }

    /// <summary>Direct entry write for cleanup (the row exists whenever a mapping does).</summary>
    internal void Clear(int port)
    {
        var row = port >= 0 && port < Capacity ? _rows[port / RowSize] : null;
        if (row is not null) row[port % RowSize] = -1;
        _epoch.Bump();
    }

    /// <summary>Test hook: drops a row (simulates a lost row).</summary>
    internal void DropRow(int row)
    {
        _rows[row] = null;
        _epoch.Bump();
    }

    /// <summary>Every (port, irq) pair with irq ≥ 0, ascending.</summary>
    public MappingEnumerable Mappings() => new(_rows);

    /// <summary>(port, irq) of every mapped port in port order; a struct so checks iterate without allocating.</summary>
    public readonly struct MappingEnumerable(int[]?[] rows) : IEnumerable<(int Port, int Irq)>
    {
        public Enumerator GetEnumerator() => new(rows);
        IEnumerator<(int Port, int Irq)> IEnumerable<(int Port, int Irq)>.GetEnumerator() => GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public struct Enumerator(int[]?[] rows) : IEnumerator<(int Port, int Irq)>
        {
            private int _row;
            private int _col = -1;
            public readonly (int Port, int Irq) Current => (_row * RowSize + _col, rows[_row]![_col]);
            readonly object System.Collections.IEnumerator.Current => Current;

            public bool MoveNext()
            {
                for (; _row < rows.Length; _row++, _col = -1)
                {
                    var row = rows[_row];
                    if (row is null) continue;
                    // Mapped entries are ≥ 0: a vectorized search over the row's rest.
                    int k = row.AsSpan(_col + 1).IndexOfAnyInRange(0, int.MaxValue);
                    if (k >= 0) { _col += 1 + k; return true; }
                }
                return false;
            }

            public void Reset() { _row = 0; _col = -1; }
            public readonly void Dispose() { }
        }
    }

    /// <summary>Makes every row equal to <paramref name="o"/>'s (rows are allocated or dropped to match).</summary>
    internal void CopyFrom(EvtchnToIrq o)
    {
        _epoch.Bump();
        for (int r = 0; r < _rows.Length; r++)
        {
            var s = o._rows[r];
            if (s is null) { _rows[r] = null; continue; }
            var d = _rows[r] ??= new int[RowSize];
            Array.Copy(s, d, RowSize);
        }
    }

    public void Hash(ref StateHasher h)
    {
        for (int r = 0; r < _rows.Length; r++)
        {
            var row = _rows[r];
            h.Add(row is not null);
            if (row is null) continue;
            for (int c = 0; ; c++)
            {
                int k = row.AsSpan(c).IndexOfAnyInRange(0, int.MaxValue);
                if (k < 0) break;
                c += k;
                h.Add(c); h.Add(row[c]);
            }
        }
    }
}
