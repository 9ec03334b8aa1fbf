using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;
using IrqVerify.Model.Pci;
using IrqVerify.Model.Program;
using IrqVerify.Model.Refinement;

namespace IrqVerify.Model.Tests.Refinement;

public class AbstractSpecTests
{
    private static AbstractState State(DeviceMode mode, int[] devIrqs, (int irq, bool handler)[]? irqs = null, (int port, int irq)[]? ports = null)
    {
        var all = new Dictionary<int, AbstractIrq>();
        foreach (int i in devIrqs) all[i] = new AbstractIrq(IrqOwner.PciMsi, 1, false, 0);
        foreach (var (i, h) in irqs ?? []) all[i] = all.TryGetValue(i, out var a) ? a with { HasHandler = h } : new AbstractIrq(IrqOwner.Xen, 0, h, 0);
        var p = new Dictionary<int, int>();
        foreach (var (port, irq) in ports ?? []) p[port] = irq;
        return new AbstractState
        {
            Devices = [new AbstractDevice(DeviceMode.Intx, []), new AbstractDevice(mode, devIrqs)],
            Irqs = all,
            Ports = p,
        };
    }

    private static List<Violation> Check(string op, long[] args, OpResult r, AbstractState before, AbstractState after)
    {
        var v = new List<Violation>();
        AbstractSpec.Check(op, new OpArgs(args), r, before, after, v);
        return v;
    }

    private static OpResult Ok(long value) { var r = new OpResult(); r.Set(value); return r; }
    private static OpResult Err(Errno e) { var r = new OpResult(); r.Fail(e); return r; }

    [Fact]
    public void Successful_enable_must_give_the_device_n_irqs_in_its_mode()
    {
        var before = State(DeviceMode.Intx, []);
        Assert.Empty(Check("pci_alloc_irq_vectors", [1, 1, 4, 1], Ok(2), before, State(DeviceMode.Msix, [24, 25])));
        var v = Check("pci_alloc_irq_vectors", [1, 1, 4, 1], Ok(2), before, State(DeviceMode.Msix, [24]));
        Assert.Equal("REFINE", Assert.Single(v).Id);
        Assert.Contains("returned 2 but the device owns 1 irqs", v[0].Message);
    }

    [Fact]
    public void Failed_enable_must_leave_no_trace()
    {
        var before = State(DeviceMode.Intx, []);
        Assert.Empty(Check("pci_alloc_irq_vectors", [1, 4, 4, 1], Err(Errno.ENOSPC), before, before));
        var v = Check("pci_alloc_irq_vectors", [1, 4, 4, 1], Err(Errno.ENOSPC), before, State(DeviceMode.Intx, [24]));
        Assert.Contains("left a trace", Assert.Single(v).Message);
    }

    [Fact]
    public void Disable_must_return_the_device_to_intx_unless_a_handler_is_still_requested()
    {
        var before = State(DeviceMode.Msi, [24, 25]);
        Assert.Empty(Check("pci_free_irq_vectors", [1], Ok(0), before, State(DeviceMode.Intx, [])));
        Assert.Contains(Check("pci_free_irq_vectors", [1], Ok(0), before, State(DeviceMode.Intx, [25])), v => v.Message.Contains("irq 25 survived the disable"));
        var misuse = State(DeviceMode.Msi, [24, 25], [(24, true)]);
        Assert.Empty(Check("pci_free_irq_vectors", [1], Ok(0), misuse, misuse));
    }

    [Fact]
    public void Xen_operations_must_not_touch_pci_devices_and_generic_ones_must_not_touch_ports()
    {
        var before = State(DeviceMode.Msix, [24], null, [(5, 40)]);
        var devChanged = State(DeviceMode.Intx, [], null, [(5, 40)]);
        Assert.Contains(Check("xen_send", [5], Ok(0), before, devChanged), v => v.Message.Contains("changed a PCI device"));
        var portChanged = State(DeviceMode.Msix, [24], null, []);
        Assert.Contains(Check("request_irq", [24], Ok(0), before, portChanged), v => v.Message.Contains("port → irq mapping"));
    }

    [Fact]
    public void Bind_must_map_a_port_to_a_new_xen_irq_and_unbind_must_not_half_unbind()
    {
        var before = State(DeviceMode.Intx, []);
        var bound = State(DeviceMode.Intx, [], [(40, false)], [(5, 40)]);
        Assert.Empty(Check("bind_evtchn_to_irq", [5], Ok(40), before, bound));
        Assert.Contains(Check("bind_evtchn_to_irq", [5], Ok(40), before, State(DeviceMode.Intx, [], [(40, false)])), v => v.Message.Contains("no port maps"));
        Assert.Empty(Check("unbind_from_irq", [40], Ok(0), bound, before));
        Assert.Contains(Check("unbind_from_irq", [40], Ok(0), bound, State(DeviceMode.Intx, [], [(40, false)])), v => v.Message.Contains("half-unbound"));
    }

    [Fact]
    public void Request_irq_success_must_install_the_handler()
    {
        var before = State(DeviceMode.Msix, [24]);
        Assert.Empty(Check("request_irq", [24], Ok(0), before, State(DeviceMode.Msix, [24], [(24, true)])));
        Assert.Contains(Check("request_irq", [24], Ok(0), before, before), v => v.Message.Contains("has no handler"));
    }

    [Fact]
    public void The_detailed_model_refines_the_spec_on_a_mixed_program()
    {
        const string text = """
            n = pci_alloc_irq_vectors(dev1, 2, 8, msix|affinity)
            a = pci_irq_vector(dev1, 0)
            request_irq(a)
            x = pci_msix_alloc_irq_at(dev1, -1)
            pci_msix_free_irq(dev1, x)
            m = pci_alloc_irq_vectors(dev0, 3, 3, msi)
            b = pci_irq_vector(dev0, 2)
            request_irq(b)
            irq_set_affinity(b, {1})
            device_raise(dev0, 2)
            p = evtchn_alloc_unbound()
            e = bind_evtchn_to_irq(p)
            request_irq(e)
            xen_send(p)
            cpu_offline(1)
            free_irq(b)
            pci_disable_msi(dev0)
            free_irq(a)
            pci_free_irq_vectors(dev1)
            unbind_from_irqhandler(e)
            cpu_online(1)
            """;
        var m = new IrqVerify.Model.Machine(MachineConfig.Default());
        var report = ProgramRunner.Run(m, ProgramParser.Parse(text, "mixed.irq"));
        Assert.True(report.Ok, string.Join("\n", report.Violations));
        Assert.All(report.Ops, o => Assert.False(o.Result.StartsWith('-'), $"{o.Call.Print()} -> {o.Result}"));
    }
}
