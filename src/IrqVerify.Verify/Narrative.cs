using System.Globalization;
using System.Text;
using IrqVerify.Explorer;
using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Verify;

/// <summary>
/// A short story of a counterexample in the kernel's terms, templated per operation kind from the
/// operations, their resolved arguments and results, and the violation messages, e.g.
/// "irq 33 is moved to CPUs {2}; CPU2 goes offline; then I-V3: vector 0x41 on CPU2 is never freed".
/// </summary>
public static class Narrative
{
    /// <summary>Runs the program once more (sequentially, no checks) to learn every value, then tells it.</summary>
    public static string OfProgram(IrqProgram p, MachineConfig cfg, Variants v, IReadOnlyList<string> ids, IReadOnlyList<string> messages)
    {
        var m = new Machine(cfg, v);
        var vars = new Dictionary<string, long>(StringComparer.Ordinal);
        var parts = new List<string>();
        foreach (var call in p.Calls)
        {
            var spec = OpCatalog.Default[call.Op];
            var args = ProgramRunner.Resolve(call, vars);
            int cpu = spec.CpuParam >= 0 ? (int)args[spec.CpuParam] : spec.IsEnvironment ? -1 : 0;
            var r = new OpResult();
            try { m.Run("narrative", cpu, spec.Body(m, args, r)); }
            catch (Exception e) when (e is not OutOfMemoryException) { parts.Add($"{call.Print()} throws {e.GetType().Name}"); break; }
            if (call.Bind is not null) vars[call.Bind] = r.Ok ? r.Value : -1;
            parts.Add(Step(call, args, r, cfg));
        }
        return Tell(parts, ids, messages);
    }

    /// <summary>An interleaving: the setup, what each thread runs, where the schedule switches threads.</summary>
    public static string OfSchedule(IrqVerify.Explorer.Scenario s, Failure f)
    {
        var parts = new List<string>();
        if (s.Setup.Count > 0) parts.Add("setup: " + string.Join(", ", s.Setup.Select(o => o.Text)));
        parts.Add("concurrently " + string.Join(" | ", s.Threads.Select(t => $"{t.Name}@{(t.Cpu >= 0 ? "CPU" + t.Cpu : "env")} runs {t.Text}")));
        string? last = null;
        var switches = new List<string>();
        foreach (var e in f.Log)
        {
            if (e.IsChoice) { switches.Add($"the model chooses {e.Label} = {e.Value}"); continue; }
            if (last is not null && e.Thread != last && e.Point != "start") switches.Add($"{e.Thread} resumes at {e.Point} while {last} is stopped");
            else if (last is not null && e.Thread != last) switches.Add($"{e.Thread} starts while {last} is stopped");
            last = e.Thread;
        }
        if (switches.Count > 0) parts.Add(string.Join("; ", switches.Take(6)) + (switches.Count > 6 ? $"; … ({switches.Count - 6} more)" : ""));
        return Tell(parts, f.Ids, f.Messages);
    }

    private static string Tell(List<string> parts, IReadOnlyList<string> ids, IReadOnlyList<string> messages)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join("; ", parts));
        var said = new HashSet<string>(StringComparer.Ordinal);
        var tail = new List<string>();
        foreach (var msg in messages)
        {
            string id = msg.Split(':')[0].Trim();
            if (!ids.Contains(id) || !said.Add(id)) continue;
            tail.Add(msg.Length > 200 ? msg[..200] + "…" : msg);
        }
        foreach (var id in ids) if (!said.Contains(id)) tail.Add(id);
        if (tail.Count > 0) sb.Append(sb.Length > 0 ? "; then " : "").Append(string.Join("; ", tail));
        return sb.ToString();
    }

    private static string Fmt(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>One operation in the kernel's words.</summary>
    public static string Step(ProgramLine call, OpArgs a, OpResult r, MachineConfig cfg)
    {
        // Ops whose arity differs from the template's guess fall back to "?" rather than failing the report.
        string Dev(int i) => i >= call.Args.Count ? "?" : a[i] >= 0 && a[i] < cfg.Devices.Count ? cfg.Devices[(int)a[i]].Name : $"device {Fmt(a[i])}";
        string Irq(int i) => i >= call.Args.Count ? "irq ?" : a[i] < 0 ? "a failed irq (-1)" : $"irq {Fmt(a[i])}";
        string Arg(int i) => i >= call.Args.Count ? "?" : call.Args[i].Variable is null ? call.Args[i].Print() : Fmt(a[i]);
        string res = r.Ok ? (r.HasValue ? Fmt(r.Value) : "0") : r.Error.Format();
        string text = call.Op switch
        {
            "pci_alloc_irq_vectors" => r.Ok ? $"{Dev(0)} enables {res} vector(s) ({Arg(3)}, asked {Arg(1)}..{Arg(2)})" : $"{Dev(0)} cannot enable {Arg(3)}",
            "pci_enable_msi" => r.Ok ? $"{Dev(0)} enables MSI" : $"{Dev(0)} cannot enable MSI",
            "pci_irq_vector" => r.Ok ? $"vector {Arg(1)} of {Dev(0)} is irq {res}" : $"{Dev(0)} has no vector {Arg(1)}",
            "pci_disable_msi" or "pci_disable_msix" or "pci_free_irq_vectors" => $"{Dev(0)} frees its MSI/MSI-X vectors",
            "pci_msix_alloc_irq_at" => r.Ok ? $"{Dev(0)} allocates MSI-X entry {Arg(1)} at run time: irq {res}" : $"{Dev(0)} cannot allocate MSI-X entry {Arg(1)}",
            "pci_msix_free_irq" => $"{Dev(0)} frees its dynamic MSI-X {Irq(1)}",
            "pci_msi_mask_irq" => $"{Irq(0)} is masked at the device",
            "pci_msi_unmask_irq" => $"{Irq(0)} is unmasked at the device",
            "device_raise" => $"{Dev(0)} fires its vector {Arg(1)}",
            "fail_next_irq_alloc" => "the next irq allocation is made to fail",
            "fault_next_request_irq" => "the next request_irq is made to fail",
            "irq_activate" => $"{Irq(0)} is activated",
            "irq_shutdown_and_deactivate" => $"{Irq(0)} is shut down and deactivated (its handler stays)",
            "irq_startup_managed" => $"{Irq(0)} gets a managed startup (one disable level off)",
            "evtchn_from_irq" => $"{Irq(0)} is bound to port {res}",
            "evtchnop_send" => $"the guest sends on port {Arg(0)}",
            "sched_poll" => r.Ok ? $"vCPU{Arg(0)} polls port {Arg(1)}: {(res == "1" ? "times out" : "ready")}" : $"vCPU{Arg(0)} cannot poll port {Arg(1)}",
            "xen_raise_virq" => $"Xen fires VIRQ {Arg(0)} on vCPU{Arg(1)}",
            "xen_host_set_pending" or "xen_host_clear_pending" or "xen_host_set_mask" or "xen_host_clear_mask" => $"the host writes port {Arg(0)}'s {call.Op["xen_host_".Length..].Replace('_', ' ')} bit",
            "xen_host_set_upcall_pending" => $"the host sets vCPU{Arg(0)}'s upcall_pending",
            "request_irq" => r.Ok ? $"a handler is requested on {Irq(0)}" : $"request_irq({Irq(0)}) fails",
            "free_irq" => $"the handler of {Irq(0)} is freed",
            "disable_irq" => $"{Irq(0)} is disabled",
            "enable_irq" => $"{Irq(0)} is enabled",
            "irq_set_affinity" => $"{Irq(0)} is moved to CPUs {Arg(1)}",
            "vector_alloc" => r.Ok ? $"an x86 irq is allocated: irq {res}" : "an x86 irq cannot be allocated",
            "vector_activate" => $"{Irq(0)} is activated (gets a vector)",
            "vector_deactivate" => $"{Irq(0)} is deactivated",
            "vector_free" => $"{Irq(0)} is freed",
            "apic_raise" => $"the device fires {Irq(0)} at its current target",
            "interrupt" => $"CPU{Arg(0)} takes its pending interrupt",
            "cleanup_timer" => $"the vector cleanup timer runs on CPU{Arg(0)}",
            "cpu_offline" => $"CPU{Arg(0)} goes offline",
            "cpu_online" => $"CPU{Arg(0)} comes back online",
            "evtchn_alloc_unbound" => r.Ok ? $"event channel port {res} is allocated" : "no event channel can be allocated",
            "bind_evtchn_to_irq" or "bind_evtchn_to_irq_lateeoi" or "bind_evtchn_to_irq_unlocked" =>
                r.Ok ? $"port {Arg(0)} is bound to irq {res}{(call.Op.EndsWith("lateeoi", StringComparison.Ordinal) ? " (late EOI)" : "")}" : $"port {Arg(0)} cannot be bound",
            "bind_virq_to_irq" => r.Ok ? $"a VIRQ is bound to irq {res}" : "a VIRQ cannot be bound",
            "bind_ipi_to_irq" => r.Ok ? $"an IPI is bound to irq {res}" : "an IPI cannot be bound",
            "unbind_from_irqhandler" or "unbind_from_irq" => $"{Irq(0)} is unbound from its event channel",
            "xen_send" => $"Xen sends an event on port {Arg(0)}",
            "xen_upcall" => $"vCPU{Arg(0)} handles its pending events",
            "xen_rebind" => $"{Irq(0)} is rebound to vCPU{Arg(1)}",
            "xen_irq_lateeoi" => $"{Irq(0)} gets its late EOI",
            "xen_mask" => $"port {Arg(0)} is masked",
            "xen_unmask" => $"port {Arg(0)} is unmasked",
            "xen_vcpu_offline" => $"vCPU{Arg(0)} goes offline",
            "xen_vcpu_online" => $"vCPU{Arg(0)} comes back online",
            "xen_set_abi" => $"the guest uses the {Arg(0)} event channel ABI",
            "xen_eoi_worker" => "the late-EOI worker runs",
            "xen_tick" => "time passes for Xen",
            _ => $"{call.Op}({string.Join(", ", call.Args.Select((_, i) => Arg(i)))}) = {res}",
        };
        return r.Ok || text.Contains("cannot", StringComparison.Ordinal) || text.Contains("fails", StringComparison.Ordinal) ? text : $"{text} (fails {res})";
    }
}
