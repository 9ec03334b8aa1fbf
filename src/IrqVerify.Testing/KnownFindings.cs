using System.Text.RegularExpressions;
using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;

namespace IrqVerify.Testing;

/// <summary>
/// Findings the property suite made on the reference model that are faithful to upstream Linux
/// (so not model bugs) and are pinned in tests/regressions instead of failing every run.
/// <para><b>F1 — a never-started irq keeps a stale target across CPU offline/online.</b> An irq
/// that holds a real vector but is not started (x86_vector_alloc_irqs with info->mask, or no
/// reservation mode) is skipped by migrate_one_irq when its CPU goes down (not started);
/// lapic_online then rewrites that CPU's whole vector_irq to VECTOR_UNUSED. When the irq is
/// started later, irq_setup_affinity → assign_vector_locked sees "current CPU online and in the
/// mask" and keeps the stale (cpu, vector): I-V1 right after the online (and for that same entry
/// after the start, or once msi_set_affinity of another irq marks that "unused" slot RETRIGGERED),
/// and once started an interrupt lands on an UNUSED vector ("No irq handler", I-V8, I-G2). Pinned as
/// tests/regressions/f1-unstarted-irq-offline-online.irq.</para>
/// <para><b>F2 — affinity set on a not-activated irq that already holds a vector.</b>
/// irq_set_affinity_deactivated (IRQD_AFFINITY_ON_ACTIVATE, set by x86_vector_alloc_irqs) only
/// stores the mask as affinity and effective affinity, while the vector assigned at allocation
/// (info->mask) stays on the old CPU until activation: I-V11 flags the not-activated irq.
/// Pinned as tests/regressions/f2-affinity-before-activation.irq.</para>
/// <para><b>F3 — CPU offline drops an interrupt pending in an IRR before fixup_irqs scans it.</b>
/// (a) An interrupt sits in the old CPU's IRR of an irq whose move is not complete (not yet seen, or
/// only its cleanup pending, as a remapped move's is at once) when a CPU of the move goes down:
/// irq_force_complete_move (printing "IRQ fixup: irq N move in progress" in the first case) has
/// free_moved_vector release the old vector, so fixup_irqs' IRR scan no longer sees it (I-G2;
/// I-V8 when the old CPU stays online and takes it). Upstream's comment in irq_force_complete_move
/// calls this race theoretical and leaves it. (b) A managed irq whose last CPU goes down is shut
/// down by migrate_one_irq; clear_irq_vector marks its entry SHUTDOWN, which the scan skips, so an
/// interrupt pending there is gone when the CPU comes back and the irq restarts (I-G2); the
/// managed-irq contract has the driver quiesce the device first (blk_mq_hctx_notify_offline). The
/// model marks both with the INFO "irq N: interrupt pending on [old ]vector V in CPUc's IRR is
/// dropped". Pinned as tests/regressions/f3-forced-move-drops-pending-old-vector.irq and
/// f3-managed-shutdown-drops-pending.irq.</para>
/// <para><b>F4 — a multi-MSI block's message belongs to its first irq.</b> pci_msi_domain_write_msg
/// writes the shared MSI address/data only for the descriptor's first irq. With managed affinity
/// that irq can be left unactivated (msi_init_virq: managed, no online CPU in its mask) or be shut
/// down and deactivated (its CPU goes offline, writing a zero message) while the block's other
/// vectors are live and requested: their interrupts go to a zero address and are lost (I-G2).
/// The model logs "irq N: multi-MSI vector k of dev is live but only irq F, not activated, writes
/// the block's message". Pinned as tests/regressions/f4-multi-msi-first-vector-offline.irq.</para>
/// </summary>
public sealed partial class KnownFindings
{
    private readonly HashSet<int> _f1 = new();
    private readonly HashSet<string> _f1Entries = new(StringComparer.Ordinal);

    /// <summary>Irqs excused under F1 in this run.</summary>
    public IReadOnlyCollection<int> F1Irqs => _f1;

    /// <summary>The catalogue with F1 excused: I-V1 "UNUSED" on an online CPU for an unstarted irq
    /// taints the irq; I-V8 and I-G2 on a tainted irq are excused.</summary>
    public IReadOnlyList<InvariantCheck> Checks(IReadOnlyList<InvariantCheck>? catalogue = null)
    {
        var list = new List<InvariantCheck>();
        foreach (var c in catalogue ?? InvariantCatalog.All)
            list.Add(c.Id switch
            {
                "I-V1" => c with { Check = (m, v) => FilterV1(m, c, v) },
                "I-V8" or "I-G2" => c with { Check = (m, v) => FilterTainted(m, c, v) },
                "I-V11" => c with { Check = (m, v) => FilterNotActivated(m, c, v) },
                _ => c,
            });
        return list;
    }

    private void FilterV1(Machine m, InvariantCheck c, List<Violation> v)
    {
        var found = c.Run(m);
        foreach (var x in found)
        {
            var g = StaleEntry().Match(x.Message);
            // Seen UNUSED while the irq is not started: the F1 window. The same stale (cpu, vector)
            // stays excused after request_irq, which keeps it (assign_vector_locked: CPU online and
            // in the mask), and when msi_set_affinity of another irq marks that "unused" slot
            // RETRIGGERED on its way through the CPU; a different entry is a fresh violation.
            if (g.Success && g.Groups[3].Value == "UNUSED" && int.TryParse(g.Groups[2].Value, out int irq) && m.Irqs[irq] is { Started: false })
                _f1Entries.Add(g.Groups[1].Value);
            if (g.Success && _f1Entries.Contains(g.Groups[1].Value))
            {
                _f1.Add(int.Parse(g.Groups[2].Value));
                continue;
            }
            v.Add(x);
        }
    }

    private void FilterTainted(Machine m, InvariantCheck c, List<Violation> v)
    {
        foreach (var x in c.Run(m))
        {
            var g = IrqNumber().Match(x.Message);
            if (g.Success && int.TryParse(g.Groups[1].Value, out int irq) && (_f1.Contains(irq) || LoggedLoss(m, irq))) continue;
            v.Add(x);
        }
    }

    /// <summary>F3 / F4: the model logged that this irq's interrupt is lost the upstream way (read
    /// from the machine's log, so it follows Snapshot/Restore).</summary>
    private static bool LoggedLoss(Machine m, int irq)
    {
        foreach (var d in m.Diagnostics.Items)
        {
            var g = d.Rule switch
            {
                "irq_force_complete_move" or "clear_irq_vector" => DroppedPending().Match(d.Message),
                "pci_msi_domain_write_msg" => UnwrittenBlockMessage().Match(d.Message),
                _ => null,
            };
            if (g is { Success: true } && int.Parse(g.Groups[1].Value) == irq) return true;
        }
        return false;
    }

    [GeneratedRegex(@"^irq (\d+): interrupt pending on (?:old )?vector 0x[0-9a-f]+ in CPU\d+'s IRR is dropped$")]
    private static partial Regex DroppedPending();

    [GeneratedRegex(@"^irq (\d+): multi-MSI vector \d+ of \w+ is live but only irq \d+, not activated, writes the block's message$")]
    private static partial Regex UnwrittenBlockMessage();

    private static void FilterNotActivated(Machine m, InvariantCheck c, List<Violation> v)
    {
        foreach (var x in c.Run(m))
        {
            var g = IrqNumber().Match(x.Message);
            if (g.Success && int.TryParse(g.Groups[1].Value, out int irq) && m.Irqs[irq] is { Activated: false }) continue;
            v.Add(x);
        }
    }

    [GeneratedRegex(@"^(irq (\d+): vector_irq\[CPU\d+\]\[0x[0-9a-f]+\]) is (UNUSED|RETRIGGERED)")]
    private static partial Regex StaleEntry();

    [GeneratedRegex(@"\birq (\d+)\b")]
    private static partial Regex IrqNumber();
}
