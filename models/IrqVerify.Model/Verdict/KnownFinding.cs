namespace IrqVerify.Model.Verdict;

/// <summary>Upstream Linux behaviour the invariants flag but the model must keep (the model is
/// Linux): an id, a title and the one-line reason printed beside every finding of its kind.</summary>
public sealed record KnownFinding(string Id, string Title, string Reason);

/// <summary>
/// The catalogue of known upstream findings (docs/model.md has the long form; each is
/// pinned as a regression program in tests/regressions/).
/// </summary>
public static class KnownFindings
{
    public static readonly KnownFinding F1 = new("F1", "a never-started irq keeps a stale target across CPU offline/online",
        "upstream: migrate_one_irq skips an unstarted irq, lapic_online clears the CPU's vector_irq, assign_vector_locked keeps the stale (cpu, vector)");

    public static readonly KnownFinding F2 = new("F2", "affinity set on a not-activated irq that already holds a vector",
        "upstream: irq_set_affinity_deactivated stores the mask only; the vector moves at activation");

    public static readonly KnownFinding F3 = new("F3", "CPU offline drops an interrupt pending in an IRR",
        "upstream: irq_force_complete_move / clear_irq_vector release the vector before fixup_irqs scans the IRR");

    public static readonly KnownFinding F4 = new("F4", "a multi-MSI block's message belongs to its first irq",
        "upstream: pci_msi_domain_write_msg writes the shared message only for the descriptor's first irq");

    public static readonly KnownFinding F5 = new("F5", "an irq stranded on an offline CPU is started with no free vector online",
        "upstream: x86_vector_activate ignores assign_irq_vector_any_locked's -ENOSPC and irq_startup ignores irq_setup_affinity's, so request_irq succeeds aimed at the offline CPU");

    public static readonly KnownFinding F6 = new("F6", "a non-maskable MSI is retargeted in one unsafe update",
        "upstream: msi_set_affinity takes the direct write when !irqd_can_reserve, and reservation mode is only set for maskable MSI, so the careful path never runs where it is needed (since b56ebe7c896d)");

    public static readonly KnownFinding F7 = new("F7", "a managed irq disabled across CPU hotplug keeps its dead CPU's vector until enable_irq",
        "upstream (6.16+): irq_startup_managed only takes a depth level off a disabled irq, irq_restore_affinity_of_irq returns without moving it, so an interrupt before (or during) the startup at enable_irq goes to the offline CPU and is lost");

    public static IReadOnlyList<KnownFinding> All { get; } = [F1, F2, F3, F4, F5, F6, F7];

    public static KnownFinding? Find(string id) => All.FirstOrDefault(f => f.Id == id);
}
