using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using static IrqVerify.Model.Vector.VectorSpace;

namespace IrqVerify.Model.Vector;

/// <summary>
/// x86 vector domain invariants (spec §8, I-V1..I-V21). Pure functions over the machine state; the
/// behavioural ones (I-V9, I-V10, I-V17, I-V20) read the domain's record of its last decision.
/// </summary>
public static class VectorInvariants
{
    /// <summary>What every check of this class reads: the domain's chip data, per-CPU tables and records, the matrix maps and the irq descriptors.</summary>
    public const StateScope Reads = StateScope.Vector | StateScope.Matrix | StateScope.Irqs;

    public static IEnumerable<InvariantCheck> All => InvariantCheck.Reading(Reads,
    [
        new("I-V1", InvariantKind.Safety, "a current vector is allocated in the matrix and installed in vector_irq", IV1),
        new("I-V2", InvariantKind.Safety, "a kept old vector is allocated and the apicd is moving or queued on prev_cpu's cleanup list", IV2),
        new("I-V3", InvariantKind.Safety, "every allocated matrix bit is owned by exactly one apicd vector/prev_vector", IV3),
        new("I-V4", InvariantKind.Safety, "with no vector irq left the matrix is back at the post-boot baseline", IV4),
        new("I-V5", InvariantKind.Safety, "vector_irq names a descriptor only at its current/old vector; never overwritten by a stale entry-path write", IV5),
        new("I-V6", InvariantKind.Eventual, "after a drain no old vector is still queued for cleanup (unless pending in the old IRR)", IV6),
        new("I-V7", InvariantKind.Safety, "a move never keeps an old vector on the new CPU", IV7),
        new("I-V8", InvariantKind.Safety, "the hardware target of an activated irq is the shutdown vector or an installed / retrigger-marked vector", IV8),
        new("I-V9", InvariantKind.Safety, "assign_vector_locked answers -EBUSY exactly when a move is needed while one is pending", IV9),
        new("I-V10", InvariantKind.Safety, "no move when the current CPU is online and in the requested mask", IV10),
        new("I-V11", InvariantKind.Safety, "effective affinity is the single live CPU of the vector, inside the affinity unless broken", IV11),
        new("I-V12", InvariantKind.Safety, "has_reserved means no real vector, hardware at the shutdown vector, one unit of global_reserved each", IV12),
        new("I-V13", InvariantKind.Safety, "managed irqs hold one managed reservation on every CPU of their mask; their vector is a managed slot", IV13),
        new("I-V14", InvariantKind.Safety, "a managed irq without live CPU in its mask has no vector; a managed vector lies in its mask", IV14),
        new("I-V15", InvariantKind.Safety, "independent vectors per irq (contiguous blocks: one CPU, base + index)", IV15),
        new("I-V16", InvariantKind.Safety, "an offline CPU holds no vector, old vector, cleanup entry or armed timer", IV16),
        new("I-V17", InvariantKind.Safety, "CPU offline is refused iff its non-managed vectors exceed what the other CPUs have available", IV17),
        new("I-V18", InvariantKind.Safety, "device vectors lie in the window and are never system vectors", IV18),
        new("I-V19", InvariantKind.Safety, "interrupts pending in an outgoing CPU's IRR were retriggered at their new target", IV19),
        new("I-V20", InvariantKind.Safety, "the offline capacity check counts only the CPU's non-managed vectors", IV20),
        new("I-L1", InvariantKind.Eventual, "progress: a move whose new vector has taken an interrupt is complete after a drain (irq_complete_move ran)", IL1),
        new("I-V21", InvariantKind.Safety, "vector data is freed only after deactivation, and a freed irq keeps no vector data", IV21),
    ]);

    private static bool Real(int vector) => vector != 0 && vector != ManagedIrqShutdownVector;

    /// <summary>I-V1.</summary>
    public static void IV1(Machine m, List<Violation> v)
    {
        var vd = m.Vector;
        foreach (var a in vd.LiveApic())
        {
            if (a is null || !Real(a.Vector)) continue;
            if (!m.Matrix.Map(a.Cpu).AllocMap.Test(a.Vector))
                v.Add(new("I-V1", $"irq {a.Irq}: vector 0x{a.Vector:x} on CPU{a.Cpu} not allocated in the matrix"));
            // A dead CPU's table is wiped by fixup_irqs and rewritten by lapic_online. fixup_irqs also
            // wipes the entries of irqs that are activated but not started (migrate_one_irq skips
            // them; irq_setup_affinity moves them when they are started).
            if (vd.Cpus[a.Cpu].State == CpuState.Offline) continue;
            if (vd.Cpus[a.Cpu].State != CpuState.Online && m.Irqs[a.Irq] is not { Started: true }) continue;
            int e = vd.Cpus[a.Cpu].VectorIrq[a.Vector];
            if (e != a.Irq)
                v.Add(new("I-V1", $"irq {a.Irq}: vector_irq[CPU{a.Cpu}][0x{a.Vector:x}] is {EntryText(e)}"));
        }
    }

    /// <summary>I-V2.</summary>
    public static void IV2(Machine m, List<Violation> v)
    {
        var vd = m.Vector;
        foreach (var a in vd.LiveApic())
        {
            if (a is null) continue;
            bool listed = false;
            foreach (var c in vd.Cpus) if (c.Cleanup.Contains(a)) listed = c.Cpu == a.PrevCpu || listed;
            if (a.InCleanupList != listed)
                v.Add(new("I-V2", $"irq {a.Irq}: cleanup flag {a.InCleanupList} but queued on CPU{a.PrevCpu}: {listed}"));
            if (a.PrevVector == 0) continue;
            if (!m.Matrix.Map(a.PrevCpu).AllocMap.Test(a.PrevVector))
                v.Add(new("I-V2", $"irq {a.Irq}: old vector 0x{a.PrevVector:x} on CPU{a.PrevCpu} not allocated"));
            if (!a.MoveInProgress && !a.InCleanupList)
                v.Add(new("I-V2", $"irq {a.Irq}: old vector 0x{a.PrevVector:x} neither moving nor queued for cleanup"));
        }
    }

    /// <summary>I-V3: ownership of every allocated bit.</summary>
    public static void IV3(Machine m, List<Violation> v)
    {
        var vd = m.Vector;
        for (int cpu = 0; cpu < vd.Cpus.Count; cpu++)
        {
            var alloc = m.Matrix.Map(cpu).AllocMap;
            for (int bit = alloc.NextSet(0); bit >= 0; bit = bit + 1 < Bitmap256.Bits ? alloc.NextSet(bit + 1) : -1)
            {
                int owners = 0;
                foreach (var a in vd.LiveApic())
                {
                    if (a is null) continue;
                    if (a.Cpu == cpu && a.Vector == bit) owners++;
                    if (a.PrevCpu == cpu && a.PrevVector == bit) owners++;
                }
                if (owners != 1)
                    v.Add(new("I-V3", owners == 0
                        ? $"CPU{cpu} vector 0x{bit:x} allocated but owned by no irq (leaked)"
                        : $"CPU{cpu} vector 0x{bit:x} owned by {owners} irqs"));
            }
        }
    }

    /// <summary>I-V4: no vector-domain irq left ⇒ no allocation, managed reservation or global reservation.</summary>
    public static void IV4(Machine m, List<Violation> v)
    {
        foreach (var a in m.Vector.LiveApic()) if (a is not null) return;
        for (int cpu = 0; cpu < m.Vector.Cpus.Count; cpu++)
        {
            var map = m.Matrix.Map(cpu);
            if (!map.AllocMap.IsEmpty) v.Add(new("I-V4", $"all irqs freed but CPU{cpu} still has vectors {map.AllocMap} allocated"));
            if (!map.ManagedMap.IsEmpty) v.Add(new("I-V4", $"all irqs freed but CPU{cpu} still has managed reservations {map.ManagedMap}"));
        }
        if (m.Matrix.GlobalReserved != 0) v.Add(new("I-V4", $"all irqs freed but global_reserved = {m.Matrix.GlobalReserved}"));
    }

    /// <summary>I-V5.</summary>
    public static void IV5(Machine m, List<Violation> v)
    {
        var vd = m.Vector;
        foreach (var c in vd.Cpus)
        {
            // An outgoing CPU's entries of irqs already migrated away stay until the fixup_irqs scan
            // resets them (apic_update_vector leaves the offline CPU's table alone).
            if (c.State != CpuState.Online) continue;
            var table = c.VectorIrq.AsSpan();
            for (int vec = 0; vec < NrVectors; vec++)
            {
                int skip = table[vec..].IndexOfAnyInRange(0, int.MaxValue);   // the next IsDesc entry
                if (skip < 0) break;
                vec += skip;
                int e = table[vec];
                var a = vd.Apic(e);
                bool owns = a is not null && ((a.Cpu == c.Cpu && a.Vector == vec) || (a.PrevCpu == c.Cpu && a.PrevVector == vec));
                if (!owns) v.Add(new("I-V5", $"vector_irq[CPU{c.Cpu}][0x{vec:x}] = irq {e}, which does not own that vector"));
            }
        }
        foreach (var w in vd.StaleWrites)
            v.Add(new("I-V5", $"entry path on CPU{w.Cpu} wrote UNUSED over irq {w.Irq} at vector 0x{w.Vector:x} from a stale read"));
    }

    /// <summary>I-L1 (progress): the first interrupt on the new target completes a move
    /// (apic_ack_edge → irq_complete_move → __vector_schedule_cleanup); one still in progress after
    /// it would never free its old vector, and every later irq_set_affinity would get -EBUSY.</summary>
    public static void IL1(Machine m, List<Violation> v)
    {
        foreach (var a in m.Vector.ApicTable)
            if (a is { MoveInProgress: true, NewVectorHit: true })
                v.Add(new("I-L1", $"irq {a.Irq}: move to CPU{a.Cpu} vector 0x{a.Vector:x} never completed although the new vector took an interrupt (old vector 0x{a.PrevVector:x} on CPU{a.PrevCpu} never freed)"));
    }

    /// <summary>I-V6 (eventual): queued cleanups are done unless the old vector is still pending; a queue has its timer.</summary>
    public static void IV6(Machine m, List<Violation> v)
    {
        foreach (var c in m.Vector.Cpus)
        {
            foreach (var a in c.Cleanup)
                if (!(a.PrevVector is > 0 and < NrVectors && c.Irr.Test(a.PrevVector)))
                    v.Add(new("I-V6", $"irq {a.Irq}: old vector 0x{a.PrevVector:x} on CPU{c.Cpu} still queued for cleanup after drain"));
            if (c.Cleanup.Count > 0 && !c.TimerArmed)
                v.Add(new("I-V6", $"CPU{c.Cpu}: cleanup queue of {c.Cleanup.Count} without an armed timer"));
        }
    }

    internal static List<string> IV6Messages(Machine m)
    {
        var v = new List<Violation>();
        IV6(m, v);
        return v.ConvertAll(x => x.Message);
    }

    /// <summary>I-V7.</summary>
    public static void IV7(Machine m, List<Violation> v)
    {
        foreach (var a in m.Vector.LiveApic())
            if (a is not null && a.PrevVector != 0 && a.PrevCpu == a.Cpu && a.Vector != 0)
                v.Add(new("I-V7", $"irq {a.Irq}: old vector 0x{a.PrevVector:x} and new 0x{a.Vector:x} on the same CPU{a.Cpu}"));
    }

    /// <summary>I-V8 (vector side): the hardware config of an activated irq hits its installed vector,
    /// a retrigger mark, or the shutdown vector. The PCI layer checks torn device messages with
    /// <see cref="VectorDomain.HitsInstalledVector"/>.</summary>
    public static void IV8(Machine m, List<Violation> v)
    {
        var vd = m.Vector;
        foreach (var a in vd.LiveApic())
        {
            // Only started irqs can fire: an activated, unstarted irq left on a CPU that went down is
            // retargeted by irq_setup_affinity when it is started.
            if (a is null || m.Irqs[a.Irq] is not { Activated: true, Started: true } || !Real(a.HwVector)) continue;
            if (a.HwCpu < 0 || a.HwCpu >= vd.Cpus.Count || vd.Cpus[a.HwCpu].State == CpuState.Offline
                || !vd.HitsInstalledVector(a.HwCpu, a.HwVector))
                v.Add(new("I-V8", $"irq {a.Irq}: hardware aimed at CPU{a.HwCpu} vector 0x{a.HwVector:x}, which nothing handles"));
        }
    }

    /// <summary>I-V9 (last assign_vector_locked decision).</summary>
    public static void IV9(Machine m, List<Violation> v)
    {
        if (m.Vector.LastAssign is not { } s) return;
        bool busyExpected = !s.InPlace && s.Busy;
        if ((s.Result == Errno.EBUSY) != busyExpected)
            v.Add(new("I-V9", $"irq {s.Irq}: assign to {s.Dest} answered {s.Result.Format()} (in place {s.InPlace}, move pending {s.Busy})"));
    }

    /// <summary>I-V10 (last assign_vector_locked decision).</summary>
    public static void IV10(Machine m, List<Violation> v)
    {
        if (m.Vector.LastAssign is { InPlace: true } s && (s.Moved || s.Result != Errno.Ok))
            v.Add(new("I-V10", $"irq {s.Irq}: current CPU is online and in {s.Dest} but the vector layer moved it ({s.Result.Format()})"));
    }

    /// <summary>I-V11.</summary>
    public static void IV11(Machine m, List<Violation> v)
    {
        var vd = m.Vector;
        foreach (var a in vd.LiveApic())
        {
            if (a is null || !Real(a.Vector) || m.Irqs[a.Irq] is not { } d) continue;
            if (d.EffectiveAffinity != CpuMask.Of(a.Cpu))
                v.Add(new("I-V11", $"irq {a.Irq}: effective affinity {d.EffectiveAffinity} is not its vector's CPU{a.Cpu}"));
            if (vd.Cpus[a.Cpu].State == CpuState.Offline && d.Started)
                v.Add(new("I-V11", $"irq {a.Irq}: effective CPU{a.Cpu} is offline"));
            if (!d.AffinityBroken && !d.MovePending && !d.Affinity.Contains(a.Cpu) && !(vd.LastAssign is { } s && s.Irq == a.Irq && s.Dest.Contains(a.Cpu)))
                v.Add(new("I-V11", $"irq {a.Irq}: effective CPU{a.Cpu} outside affinity {d.Affinity} without broken affinity"));
        }
    }

    /// <summary>I-V12.</summary>
    public static void IV12(Machine m, List<Violation> v)
    {
        int reserved = 0;
        foreach (var a in m.Vector.LiveApic())
        {
            if (a is null || !a.HasReserved) continue;
            reserved++;
            if (a.Vector != 0 || a.HwVector != ManagedIrqShutdownVector)
                v.Add(new("I-V12", $"irq {a.Irq}: has_reserved with vector 0x{a.Vector:x}, hardware 0x{a.HwVector:x}"));
        }
        if (reserved != m.Matrix.GlobalReserved)
            v.Add(new("I-V12", $"{reserved} irqs hold a reservation but global_reserved = {m.Matrix.GlobalReserved}"));
    }

    /// <summary>I-V13.</summary>
    public static void IV13(Machine m, List<Violation> v)
    {
        var vd = m.Vector;
        for (int cpu = 0; cpu < vd.Cpus.Count; cpu++)
        {
            int expected = 0;
            foreach (var a in vd.LiveApic())
                if (a is not null && a.IsManaged && m.Irqs.All[a.Irq].Affinity.Contains(cpu)) expected++;
            int held = m.Matrix.Map(cpu).Managed;
            if (held != expected)
                v.Add(new("I-V13", $"CPU{cpu}: {held} managed reservations for {expected} managed irqs whose mask contains it"));
        }
        foreach (var a in vd.LiveApic())
            if (a is not null && a.IsManaged && Real(a.Vector) && !m.Matrix.Map(a.Cpu).ManagedMap.Test(a.Vector))
                v.Add(new("I-V13", $"managed irq {a.Irq}: vector 0x{a.Vector:x} on CPU{a.Cpu} is not a managed slot"));
    }

    /// <summary>I-V14.</summary>
    public static void IV14(Machine m, List<Violation> v)
    {
        var alive = m.Vector.AliveMask;
        foreach (var a in m.Vector.LiveApic())
        {
            if (a is null || !a.IsManaged) continue;
            var d = m.Irqs.All[a.Irq];
            var aff = d.Affinity;
            // migrate_one_irq skips an irq that is not started, so a managed irq activated without
            // reservation mode (a real vector at msi_init_virq) but never started keeps that vector,
            // inside its mask, on the CPU that went down; only a started one is shut down.
            if (aff.And(alive).IsEmpty && a.Vector != 0 && (d.Started || !aff.Contains(a.Cpu)))
                v.Add(new("I-V14", $"managed irq {a.Irq}: no live CPU in {aff} but it holds vector 0x{a.Vector:x} on CPU{a.Cpu}"));
            else if (a.Vector != 0 && !aff.Contains(a.Cpu))
                v.Add(new("I-V14", $"managed irq {a.Irq}: vector on CPU{a.Cpu} outside its mask {aff}"));
        }
    }

    /// <summary>Per-thread scratch of I-V15 (checks may run on several engine threads at once).</summary>
    [ThreadStatic] private static Dictionary<(int, int), int>? _iv15Seen;

    /// <summary>I-V15.</summary>
    public static void IV15(Machine m, List<Violation> v)
    {
        var t = m.Vector.ApicTable;
        var seen = _iv15Seen ??= new Dictionary<(int, int), int>();
        seen.Clear();
        foreach (var a in m.Vector.LiveApic())
        {
            if (a is null || !Real(a.Vector)) continue;
            if (seen.TryGetValue((a.Cpu, a.Vector), out int other))
                v.Add(new("I-V15", $"irqs {other} and {a.Irq} share CPU{a.Cpu} vector 0x{a.Vector:x}"));
            else seen[(a.Cpu, a.Vector)] = a.Irq;
            if (a.IsBlock && a.BlockIndex > 0 && t[a.BlockFirstIrq] is { } lead && Real(lead.Vector)
                && (lead.Cpu != a.Cpu || lead.Vector + a.BlockIndex != a.Vector))
                v.Add(new("I-V15", $"block irq {a.Irq}: CPU{a.Cpu} vector 0x{a.Vector:x} is not base 0x{lead.Vector:x}+{a.BlockIndex} on CPU{lead.Cpu}"));
        }
    }

    /// <summary>I-V16.</summary>
    public static void IV16(Machine m, List<Violation> v)
    {
        var vd = m.Vector;
        foreach (var c in vd.Cpus)
        {
            if (c.State != CpuState.Offline) continue;
            // A not-started irq is skipped by migrate_one_irq and keeps its vector until its startup
            // reassigns it (apic_update_vector then frees the stale one): that is "shut down" here.
            var alloc = m.Matrix.Map(c.Cpu).AllocMap;
            foreach (var a in vd.LiveApic())
            {
                if (a is null) continue;
                var d = m.Irqs.All[a.Irq];
                if (Real(a.Vector) && a.Cpu == c.Cpu)
                {
                    // Held by an irq: a started one is reported by name here, not again as a leak below.
                    alloc.Clear(a.Vector);
                    if (d.Started && !d.IsPerCpu) v.Add(new("I-V16", $"irq {a.Irq}: still targets offline CPU{c.Cpu} (vector 0x{a.Vector:x})"));
                }
                if (a.PrevVector != 0 && a.PrevCpu == c.Cpu) v.Add(new("I-V16", $"irq {a.Irq}: old vector 0x{a.PrevVector:x} still on offline CPU{c.Cpu}"));
            }
            if (c.Cleanup.Count > 0 || c.TimerArmed) v.Add(new("I-V16", $"offline CPU{c.Cpu}: cleanup queue {c.Cleanup.Count}, timer {c.TimerArmed}"));
            if (!alloc.IsEmpty) v.Add(new("I-V16", $"offline CPU{c.Cpu} still has vectors {alloc} allocated that no irq holds"));
        }
    }

    /// <summary>I-V17 (last lapic_can_unplug_cpu evaluation).</summary>
    public static void IV17(Machine m, List<Violation> v)
    {
        if (m.Vector.LastUnplugCheck is not { } u) return;
        bool shouldRefuse = u.NonManagedAllocated > u.Available;
        if ((u.Result == Errno.ENOSPC) != shouldRefuse)
            v.Add(new("I-V17", $"CPU{u.Cpu} offline {(u.Result == Errno.ENOSPC ? "refused" : "allowed")} with {u.NonManagedAllocated} non-managed vectors and {u.Available} available elsewhere"));
    }

    /// <summary>I-V18.</summary>
    public static void IV18(Machine m, List<Violation> v)
    {
        var cfg = m.Config;
        foreach (var a in m.Vector.LiveApic())
        {
            if (a is null) continue;
            Check(a.Irq, a.Vector, a.Cpu);
            Check(a.Irq, a.PrevVector, a.PrevCpu);
        }

        void Check(int irq, int vec, int cpu)
        {
            if (!Real(vec)) return;
            if (vec < cfg.VectorStart || vec >= cfg.VectorEnd || cfg.SystemVectors.Contains(vec))
                v.Add(new("I-V18", $"irq {irq}: CPU{cpu} vector 0x{vec:x} outside [0x{cfg.VectorStart:x}, 0x{cfg.VectorEnd:x}) or a system vector"));
        }
    }

    /// <summary>I-V19.</summary>
    public static void IV19(Machine m, List<Violation> v)
    {
        foreach (var s in m.Vector.Stranded)
            v.Add(new("I-V19", $"irq {s.Irq}: vector 0x{s.Vector:x} pending on outgoing CPU{s.Cpu} was not retriggered"));
    }

    /// <summary>I-V20 (last lapic_can_unplug_cpu evaluation).</summary>
    public static void IV20(Machine m, List<Violation> v)
    {
        if (m.Vector.LastUnplugCheck is { } u && u.ToMove != u.NonManagedAllocated)
            v.Add(new("I-V20", $"CPU{u.Cpu}: offline check counted {u.ToMove} vectors to move, but only {u.NonManagedAllocated} are non-managed"));
    }

    /// <summary>I-V21.</summary>
    public static void IV21(Machine m, List<Violation> v)
    {
        foreach (int irq in m.Vector.FreedWhileActivated)
            v.Add(new("I-V21", $"irq {irq}: vector data freed while still activated"));
        var t = m.Vector.ApicTable;
        for (int irq = 0; irq < t.Length; irq++)
            if (t[irq] is not null && !m.Irqs.All[irq].Allocated)
                v.Add(new("I-V21", $"irq {irq}: freed descriptor still has vector data"));
    }
}
