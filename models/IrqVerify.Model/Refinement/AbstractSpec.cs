using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;
using IrqVerify.Model.Pci;
using IrqVerify.Model.Program;

namespace IrqVerify.Model.Refinement;

/// <summary>
/// The abstract specification of every operation, as a relation between the abstract state before
/// and after it: what must change (a successful enable gives the device n irqs in the right mode; a
/// bind maps a port to a new irq) and what must not (a failed enable leaves no trace; a Xen operation
/// never touches a PCI device; request_irq changes only its irq's handler). After every operation the
/// runner checks that the detailed model's step, seen through <see cref="AbstractState.Of"/>, is one
/// the specification allows. Violations are reported with the id "REFINE".
/// </summary>
public static class AbstractSpec
{
    public const string Id = "REFINE";

    private enum Area { Generic, Pci, Xen, Vector }

    /// <summary>
    /// Every operation kind of the vocabulary, each one considered: its clause is the frame of its
    /// area (what it must not touch) plus, for the operations listed in <see cref="Check"/>, what it
    /// must do. An operation missing here is itself a REFINE failure, so a new operation cannot be
    /// skipped silently (a test walks the whole vocabulary).
    /// </summary>
    public static readonly IReadOnlySet<string> Covered = new HashSet<string>(StringComparer.Ordinal)
    {
        // PCI MSI / MSI-X
        "pci_alloc_irq_vectors", "pci_enable_msi", "pci_free_irq_vectors", "pci_disable_msi", "pci_disable_msix",
        "pci_irq_vector", "pci_msix_alloc_irq_at", "pci_msix_free_irq", "pci_msi_mask_irq", "pci_msi_unmask_irq",
        "device_raise", "fail_next_irq_alloc",
        // generic irq layer
        "request_irq", "free_irq", "disable_irq", "enable_irq", "irq_set_affinity", "fault_next_request_irq",
        "irq_activate", "irq_shutdown_and_deactivate", "irq_startup_managed",
        // x86 vector domain and CPU hotplug
        "vector_alloc", "vector_activate", "vector_deactivate", "vector_free", "apic_raise", "interrupt",
        "cleanup_timer", "cpu_offline", "cpu_online",
        // Xen event channels
        "evtchn_alloc_unbound", "bind_evtchn_to_irq", "bind_evtchn_to_irq_lateeoi", "bind_evtchn_to_irq_unlocked",
        "bind_virq_to_irq", "bind_ipi_to_irq", "unbind_from_irqhandler", "unbind_from_irq", "xen_send", "xen_upcall",
        "xen_rebind", "xen_irq_lateeoi", "xen_mask", "xen_unmask", "xen_vcpu_offline", "xen_vcpu_online",
        "xen_set_abi", "xen_eoi_worker", "xen_tick", "evtchn_make_refcounted", "evtchn_get", "evtchn_put",
        "evtchn_from_irq", "evtchnop_send", "sched_poll", "xen_raise_virq", "xen_host_set_pending", "xen_host_clear_pending",
        "xen_host_set_mask", "xen_host_clear_mask", "xen_host_set_upcall_pending",
    };

    private static Area AreaOf(string op) =>
        op.StartsWith("pci_", StringComparison.Ordinal) || op is "device_raise" or "fail_next_irq_alloc" ? Area.Pci
        : op.StartsWith("xen_", StringComparison.Ordinal) || op.StartsWith("bind_", StringComparison.Ordinal) || op.StartsWith("unbind_", StringComparison.Ordinal) || op.StartsWith("evtchn_", StringComparison.Ordinal) ? Area.Xen
        : op is "request_irq" or "free_irq" or "disable_irq" or "enable_irq" or "irq_set_affinity" or "fault_next_request_irq"
            or "irq_activate" or "irq_shutdown_and_deactivate" or "irq_startup_managed" ? Area.Generic
        : Area.Vector;

    /// <summary>Appends a violation for every way the step <paramref name="before"/> → <paramref name="after"/> is not allowed.</summary>
    public static void Check(string op, OpArgs args, OpResult r, AbstractState before, AbstractState after, List<Violation> v)
    {
        void Fail(string why) => v.Add(new Violation(Id, $"{op}: {why}"));
        if (!Covered.Contains(op)) { Fail("no refinement clause for this operation"); return; }
        var area = AreaOf(op);

        // Frame conditions: an operation of one area leaves the others' abstract state alone.
        if (area is Area.Xen or Area.Vector or Area.Generic && !before.SameDevices(after))
            Fail("changed a PCI device's mode or irqs");
        if (area is Area.Pci or Area.Vector or Area.Generic && !before.SamePorts(after))
            Fail("changed the port → irq mapping");
        if (area is Area.Generic && !before.SameIrqSet(after))
            Fail("allocated or freed a Linux irq");

        switch (op)
        {
            case "pci_alloc_irq_vectors":
            case "pci_enable_msi":
            {
                int dev = args.Int(0);
                if (dev < 0 || dev >= before.Devices.Count) break;
                var b = before.Devices[dev];
                var a = after.Devices[dev];
                if (!r.Ok)
                {
                    if (!a.Equals(b) || !before.SameIrqSet(after)) Fail($"failed with {r.Error.Format()} but left a trace: {b} → {a}");
                    break;
                }
                int n = op == "pci_enable_msi" ? 1 : (int)r.Value;
                if (op == "pci_alloc_irq_vectors" && (n < args.Int(1) || n > args.Int(2))) Fail($"returned {n} outside [{args.Int(1)}, {args.Int(2)}]");
                if (b.Mode != DeviceMode.Intx) Fail($"succeeded although the device was already in {b.Mode}");
                if (a.Mode == DeviceMode.Intx)
                {
                    if (n != 1 || a.Irqs.Count != 0) Fail($"INTx fallback must return 1 and own no MSI irqs, got {n}, {a}");
                }
                else if (a.Irqs.Count != n) Fail($"returned {n} but the device owns {a.Irqs.Count} irqs ({a})");
                break;
            }
            case "pci_free_irq_vectors":
            case "pci_disable_msi":
            case "pci_disable_msix":
            {
                int dev = args.Int(0);
                if (dev < 0 || dev >= before.Devices.Count) break;
                var b = before.Devices[dev];
                bool handlerRequested = b.Irqs.Any(i => before.Irqs.TryGetValue(i, out var ai) && ai.HasHandler);
                bool applies = op == "pci_free_irq_vectors" || (op == "pci_disable_msi" ? b.Mode == DeviceMode.Msi : b.Mode == DeviceMode.Msix);
                if (!applies)
                {
                    if (!after.Devices[dev].Equals(b)) Fail($"changed a device that was not in that mode: {b} → {after.Devices[dev]}");
                    break;
                }
                if (handlerRequested) break; // contract violation (I-P15): the kernel deliberately leaks
                var a = after.Devices[dev];
                if (a.Mode != DeviceMode.Intx || a.Irqs.Count != 0) Fail($"after disable the device must be INTx with no irqs, got {a}");
                foreach (int i in b.Irqs)
                    if (after.Irqs.ContainsKey(i)) Fail($"irq {i} survived the disable");
                break;
            }
            case "pci_msix_alloc_irq_at":
            {
                int dev = args.Int(0);
                if (dev < 0 || dev >= before.Devices.Count) break;
                var b = before.Devices[dev];
                var a = after.Devices[dev];
                if (!r.Ok) { if (!a.Equals(b)) Fail($"failed with {r.Error.Format()} but changed the device: {b} → {a}"); break; }
                if (a.Mode != DeviceMode.Msix || a.Irqs.Count != b.Irqs.Count + 1) Fail($"must add exactly one MSI-X irq: {b} → {a}");
                break;
            }
            case "pci_msix_free_irq":
            {
                int dev = args.Int(0);
                if (dev < 0 || dev >= before.Devices.Count || !r.Ok) break;
                var a = after.Devices[dev];
                if (a.Mode != DeviceMode.Msix) Fail($"freeing one dynamic MSI-X irq must leave MSI-X enabled, got {a}");
                break;
            }
            case "request_irq":
            {
                int irq = args.Int(0);
                bool had = before.Irqs.TryGetValue(irq, out var b);
                if (r.Ok && !(after.Irqs.TryGetValue(irq, out var a) && a.HasHandler)) Fail($"succeeded but irq {irq} has no handler");
                if (!r.Ok && had && after.Irqs.TryGetValue(irq, out var a2) && a2.HasHandler != b.HasHandler) Fail($"failed with {r.Error.Format()} but changed irq {irq}'s handler");
                break;
            }
            case "irq_set_affinity":
            {
                // Moves the irq between vectors; never its owner or handler. A refused change
                // (-EBUSY while a move is pending, -EINVAL) changes nothing.
                int irq = args.Int(0);
                if (!before.Irqs.TryGetValue(irq, out var b)) break;
                if (!after.Irqs.TryGetValue(irq, out var a)) { Fail($"irq {irq} disappeared"); break; }
                if (a.Owner != b.Owner || a.OwnerIndex != b.OwnerIndex || a.HasHandler != b.HasHandler) Fail($"changed irq {irq} itself: {b} → {a}");
                if (!r.Ok && a != b) Fail($"failed with {r.Error.Format()} but changed irq {irq}: {b} → {a}");
                break;
            }
            case "evtchn_from_irq":
            case "evtchnop_send":
            case "sched_poll":
            case "xen_raise_virq":
            case "xen_host_set_pending":
            case "xen_host_clear_pending":
            case "xen_host_set_mask":
            case "xen_host_clear_mask":
            case "xen_host_set_upcall_pending":
            {
                // A query, a hypercall that raises or polls a port, or a host write of shared bits:
                // the bindings (ports, irqs, handlers) stay as they were.
                if (!before.SamePorts(after)) Fail("changed the port → irq mapping");
                if (!before.SameIrqSet(after)) Fail("allocated or freed a Linux irq");
                foreach (var (irq, b) in before.Irqs)
                    if (after.Irqs.TryGetValue(irq, out var a) && a.HasHandler != b.HasHandler) Fail($"changed irq {irq}'s handler");
                break;
            }
            case "irq_activate":
            case "irq_shutdown_and_deactivate":
            case "irq_startup_managed":
            {
                // Activation and startup state only: the irq keeps its owner and its handler
                // (irq_shutdown_and_deactivate is free_irq's second half without removing the action).
                int irq = args.Int(0);
                if (!before.Irqs.TryGetValue(irq, out var b)) break;
                if (!after.Irqs.TryGetValue(irq, out var a)) { Fail($"irq {irq} disappeared"); break; }
                if (a.Owner != b.Owner || a.OwnerIndex != b.OwnerIndex || a.HasHandler != b.HasHandler) Fail($"changed irq {irq} itself: {b} → {a}");
                break;
            }
            case "xen_rebind":
            {
                // Rebinding to another vCPU keeps every port's irq and every irq.
                if (!before.SamePorts(after)) Fail("changed the port → irq mapping");
                if (!before.SameIrqSet(after)) Fail("allocated or freed a Linux irq");
                int irq = args.Int(0);
                if (before.Irqs.TryGetValue(irq, out var b) && after.Irqs.TryGetValue(irq, out var a) && a.HasHandler != b.HasHandler)
                    Fail($"changed irq {irq}'s handler");
                break;
            }
            case "free_irq":
            {
                int irq = args.Int(0);
                if (r.Ok && after.Irqs.TryGetValue(irq, out var a) && a.HasHandler) Fail($"succeeded but irq {irq} still has a handler");
                break;
            }
            case "bind_evtchn_to_irq":
            case "bind_evtchn_to_irq_lateeoi":
            case "bind_virq_to_irq":
            case "bind_ipi_to_irq":
            {
                if (!r.Ok) { if (!before.SamePorts(after)) Fail($"failed with {r.Error.Format()} but changed the port mapping"); break; }
                int irq = (int)r.Value;
                if (!after.Irqs.TryGetValue(irq, out var a) || a.Owner != IrqOwner.Xen) Fail($"returned irq {irq}, which is not a Xen irq");
                if (!after.MapsIrq(irq)) Fail($"no port maps to the returned irq {irq}");
                break;
            }
            case "unbind_from_irq":
            case "unbind_from_irqhandler":
            {
                int irq = args.Int(0);
                if (!r.Ok) break;
                // Either fully gone (mapping removed, irq freed) or untouched (a refcounted channel
                // still in use); never half-unbound.
                bool gone = !after.Irqs.ContainsKey(irq) && !after.MapsIrq(irq);
                bool kept = after.Irqs.ContainsKey(irq) && after.MapsIrq(irq);
                if (!gone && !kept) Fail($"irq {irq} is half-unbound (irq exists: {after.Irqs.ContainsKey(irq)}, port mapped: {after.MapsIrq(irq)})");
                break;
            }
        }

        // Every existing irq owns at most two (cpu, vector) pairs: its vector and, during a move, the old one.
        foreach (var (irq, a) in after.Irqs)
            if (a.VectorPairs > 2) Fail($"irq {irq} owns {a.VectorPairs} (cpu, vector) pairs");
    }
}
