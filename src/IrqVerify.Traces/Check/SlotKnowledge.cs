using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;

namespace IrqVerify.Traces.Check;

/// <summary>What one window slot of one CPU holds in the matrix.</summary>
public enum SlotKind { Free, Alloc, Managed, ManagedAlloc, System }

/// <summary>
/// The per-CPU bitmaps are not traced, only counters and the bits operations touch. The model
/// needs concrete bitmaps, so slots the trace has not shown yet are placed at the top of the
/// window (below the assumed system bits) with the kinds the counters require; a slot becomes
/// <em>known</em> once an event shows what it holds. When an event shows an unknown slot holds
/// something else, the placeholder is swapped with an unknown slot higher up, which keeps every
/// counter as it was. The model's choice of a vector is compared with the kernel's only when all
/// slots it depends on are known; otherwise the choice is learned, not checked.
/// </summary>
public sealed class SlotKnowledge
{
    private readonly IrqMatrix _m;
    private readonly Bitmap256[] _known;

    public SlotKnowledge(IrqMatrix m)
    {
        _m = m;
        _known = new Bitmap256[m.Cpus];
    }

    public bool IsKnown(int cpu, int bit) => _known[cpu].Test(bit);

    public SlotKind Kind(int cpu, int bit)
    {
        if (_m.SystemBits.Test(bit)) return SlotKind.System;
        var cm = _m.Map(cpu);
        bool a = cm.AllocBits.Test(bit), man = cm.ManagedBits.Test(bit);
        return man ? (a ? SlotKind.ManagedAlloc : SlotKind.Managed) : a ? SlotKind.Alloc : SlotKind.Free;
    }

    private void SetKind(int cpu, int bit, SlotKind k)
    {
        var cm = _m.Map(cpu);
        if (k is SlotKind.Alloc or SlotKind.ManagedAlloc) cm.AllocBits.Set(bit); else cm.AllocBits.Clear(bit);
        if (k is SlotKind.Managed or SlotKind.ManagedAlloc) cm.ManagedBits.Set(bit); else cm.ManagedBits.Clear(bit);
    }

    /// <summary>
    /// The lowest window slot of <paramref name="cpu"/> matching <paramref name="wanted"/> in the
    /// model, and whether every slot up to it is known (then the model's choice is the kernel's
    /// choice, or a divergence). -1 when none matches.
    /// </summary>
    public (int Bit, bool Determined) LowestMatching(int cpu, Func<SlotKind, bool> wanted)
    {
        for (int b = _m.AllocStart; b < _m.AllocEnd; b++)
        {
            if (!_known[cpu].Test(b)) return (FirstMatch(cpu, b, wanted), false);
            if (wanted(Kind(cpu, b))) return (b, true);
        }
        return (-1, true);
    }

    private int FirstMatch(int cpu, int from, Func<SlotKind, bool> wanted)
    {
        for (int b = from; b < _m.AllocEnd; b++) if (wanted(Kind(cpu, b))) return b;
        return -1;
    }

    /// <summary>
    /// Learns that the kernel chose <paramref name="chosen"/> as the lowest slot matching
    /// <paramref name="wanted"/>: every slot below it does not match, the chosen one does.
    /// Returns null, or why the counters cannot hold such a layout.
    /// </summary>
    public string? LearnLowest(int cpu, int chosen, Func<SlotKind, bool> wanted, string what)
    {
        if (chosen < _m.AllocStart || chosen >= _m.AllocEnd) return $"vector 0x{chosen:x} lies outside the window [0x{_m.AllocStart:x}, 0x{_m.AllocEnd:x})";
        for (int b = _m.AllocStart; b < chosen; b++)
        {
            // The chosen slot's own placeholder may move down here: it has to end up matching anyway.
            string? why = Require(cpu, b, k => !wanted(k), $"below the chosen vector 0x{chosen:x}, not {what}", chosen - 1);
            if (why != null) return why;
        }
        return Require(cpu, chosen, wanted, what, chosen);
    }

    /// <summary>
    /// Learns that slot <paramref name="bit"/> of <paramref name="cpu"/> satisfies <paramref name="ok"/>.
    /// A known slot that does not is a contradiction; an unknown one is swapped with the highest
    /// unknown slot above <paramref name="keepBelow"/> that does (slots at or below it are being learned).
    /// </summary>
    public string? Require(int cpu, int bit, Func<SlotKind, bool> ok, string what, int keepBelow = -1)
    {
        var k = Kind(cpu, bit);
        if (ok(k)) { _known[cpu].Set(bit); return null; }
        if (_known[cpu].Test(bit)) return $"CPU{cpu} vector 0x{bit:x} is known to be {k} in the model, the kernel shows it {what}";
        if (k == SlotKind.System) return $"CPU{cpu} vector 0x{bit:x} was placed as an (assumed) system vector, the kernel shows it {what}";
        for (int q = _m.AllocEnd - 1; q > Math.Max(keepBelow, _m.AllocStart - 1); q--)
        {
            if (q == bit || _known[cpu].Test(q)) continue;
            var kq = Kind(cpu, q);
            if (kq == SlotKind.System || !ok(kq)) continue;
            SetKind(cpu, q, k);
            SetKind(cpu, bit, kq);
            _known[cpu].Set(bit);
            return null;
        }
        return $"CPU{cpu} vector 0x{bit:x} must be {what}, but the counters leave no unobserved slot of that kind";
    }

    /// <summary>
    /// Once no unobserved slot of <paramref name="cpu"/> holds a placeholder, every unobserved slot
    /// is free: the counters fix the number of occupied slots (alloc_size − available without
    /// drift) and all of them have been seen. Assumed system bits are placeholders too, so this
    /// never fires while the system-vector positions are a guess.
    /// </summary>
    public void Close(int cpu)
    {
        var cm = _m.Map(cpu);
        if (cm.AvailableDrift != 0) return;
        var occupiedUnknown = (cm.AllocBits | cm.ManagedBits | _m.SystemBits) & _m.WindowBits & ~_known[cpu];
        if (occupiedUnknown.IsEmpty) _known[cpu] = _m.WindowBits;
    }

    public int KnownCount(int cpu) => (_known[cpu] & _m.WindowBits).PopCount;

    /// <summary>
    /// Lays out the reconstructed counters in the model: system bits at the top of the window, then
    /// per CPU the non-managed, managed-allocated and reserved managed slots below them.
    /// managed_allocated and the system-bit count are not traced: the smallest system count for
    /// which every known CPU's available follows matrix.c's formula is taken; if none exists the
    /// difference is kept as offline drift (spec §1.4) and reported.
    /// </summary>
    public List<string> Seed(InitialState s)
    {
        var notes = new List<string>();
        var m = _m;
        int size = m.AllocSize;
        int sys = -1;
        for (int cand = 0; cand <= 16 && sys < 0; cand++)
        {
            bool fits = true;
            foreach (var c in s.Cpus.Where(c => c.Known))
            {
                int mac = c.Alloc + cand + c.Managed + c.Avl - size;
                if (mac < 0 || mac > Math.Min(c.Managed, c.Alloc)) fits = false;
            }
            if (fits) sys = cand;
        }
        bool drift = sys < 0;
        if (drift) { sys = 0; notes.Add("available does not follow matrix.c's formula on every CPU for any system-vector count: the difference is kept as offline drift"); }
        else notes.Add($"system vectors inside the window: {sys} (the smallest count that fits every CPU's available; placed at the top of the window)");

        for (int i = 0; i < sys; i++) m.SystemBits.Set(m.AllocEnd - 1 - i);
        m.SystemBitsInAlloc = sys;
        long sumAlloc = 0;
        var macs = new List<string>();
        for (int c = 0; c < m.Cpus; c++)
        {
            var ic = s.Cpus[c];
            var cm = m.Map(c);
            int mac = Math.Clamp(ic.Alloc + sys + ic.Managed + ic.Avl - size, 0, Math.Min(ic.Managed, ic.Alloc));
            int nonManaged = ic.Alloc - mac;
            int top = m.AllocEnd - 1 - sys;
            int slots = top - m.AllocStart + 1;
            if (nonManaged + ic.Managed > slots)
            {
                notes.Add($"CPU{c}: {ic.Alloc} allocated + {ic.Managed} managed do not fit the window");
                nonManaged = Math.Max(0, Math.Min(nonManaged, slots - ic.Managed));
            }
            int b = top;
            for (int i = 0; i < nonManaged; i++) cm.AllocBits.Set(b--);
            for (int i = 0; i < mac; i++) { cm.AllocBits.Set(b); cm.ManagedBits.Set(b--); }
            for (int i = 0; i < ic.Managed - mac; i++) cm.ManagedBits.Set(b--);
            cm.Allocated = cm.AllocBits.PopCount;
            cm.Managed = cm.ManagedBits.PopCount;
            cm.ManagedAllocated = (cm.AllocBits & cm.ManagedBits).PopCount;
            cm.Available = ic.Avl;
            cm.Online = ic.Online;
            cm.Initialized = ic.Known || ic.Online;
            int formula = size - sys - cm.Managed - cm.NonManagedAllocated;
            cm.AvailableDrift = cm.Initialized ? ic.Avl - formula : 0;
            cm.ManagedChangedWhileOffline = cm.AvailableDrift != 0;
            sumAlloc += cm.Allocated;
            if (ic.Known) macs.Add($"CPU{c}={mac}");
        }
        if (macs.Count > 0) notes.Add("managed_allocated (not traced) from the available formula: " + string.Join(" ", macs));
        m.OnlineMaps = s.OnlineMaps;
        m.GlobalAvailable = s.GlobalAvl;
        m.GlobalReserved = s.GlobalRsvd;
        m.TotalAllocated = s.TotalAlloc;
        m.OfflineFreeSkips = (int)(s.TotalAlloc - sumAlloc);
        return notes;
    }
}
