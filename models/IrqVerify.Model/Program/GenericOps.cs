using IrqVerify.Model.Core;

namespace IrqVerify.Model.Program;

/// <summary>Operations of the generic irq layer (kernel/irq/manage.c).</summary>
public static class GenericOps
{
    public static void Register(OpCatalog c)
    {
        c.Add(new OpSpec("request_irq", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => m.Irq.RequestIrq(a.Int(0), "handler", r),
            "request_irq(irq, handler): install a handler and start the irq (real vector in reservation mode)"));
        c.Add(new OpSpec("free_irq", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => m.Irq.FreeIrq(a.Int(0), r),
            "free_irq(irq): remove the handler, shut down and deactivate, wait for a running handler"));
        c.Add(new OpSpec("disable_irq", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => m.Irq.DisableIrq(a.Int(0), r),
            "disable_irq(irq): depth++, mask, wait for a running handler"));
        c.Add(new OpSpec("enable_irq", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => m.Irq.EnableIrq(a.Int(0), r),
            "enable_irq(irq): depth--, unmask at 0"));
        c.Add(new OpSpec("irq_set_affinity", [ParamSpec.Irq(), ParamSpec.Mask()], ResultKind.None, -1,
            (m, a, r) => m.Irq.SetAffinity(a.Int(0), a.Mask(1), r),
            "irq_set_affinity(irq, mask): move the irq (deferred chips move at the next interrupt)"));
        c.Add(new OpSpec("irq_activate", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => m.Irq.IrqActivateOp(a.Int(0), r),
            "irq_activate(irq): activate for real (a no-op for a managed irq, its startup activates it)") { PeerHarness = true });
        c.Add(new OpSpec("irq_shutdown_and_deactivate", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => m.Irq.ShutdownAndDeactivateOp(a.Int(0), r),
            "irq_shutdown_and_deactivate(irq): shut down (depth++, masked, not started) and deactivate; the handler stays") { PeerHarness = true });
        c.Add(new OpSpec("irq_startup_managed", [ParamSpec.Irq()], ResultKind.None, -1,
            (m, a, r) => m.Irq.StartupManagedOp(a.Int(0), r),
            "irq_startup_managed(irq): clear managed shutdown, depth--, start at depth 0 (what CPU online does, 6.16+)") { PeerHarness = true });
        c.Add(new OpSpec("fault_next_request_irq", [], ResultKind.None, -1,
            (m, a, r) => InjectRequestFault(m, r),
            "fault injection: the next request_irq fails with -ENOMEM (irqaction allocation failure)"));
    }

    private static IEnumerable<Sched> InjectRequestFault(Machine m, OpResult r)
    {
        m.Irq.FailNextRequest = true;
        r.Set(0);
        yield break;
    }
}
