using System.Globalization;
using System.Text;
using IrqVerify.Model;
using IrqVerify.Model.Designs;
using IrqVerify.Model.Program;

namespace IrqVerify.Verify.Compare;

/// <summary>
/// Capacity figures of a design, measured by running fixed programs on fixed machines (the same on
/// both sides; no invariant checks, only the results and the final state are read). Each figure
/// answers an argument of one of the design debates.
/// </summary>
public static class CapacityProbes
{
    public static IEnumerable<CapacityRow> Measure(Design left, Design right)
    {
        foreach (var (figure, probe) in Figures())
            yield return new CapacityRow(figure, probe(left), probe(right));
    }

    private static IEnumerable<(string Figure, Func<Design, string> Probe)> Figures()
    {
        for (int k = 0; k <= 3; k++)
        {
            int offline = k;
            yield return ($"largest multi-MSI block (non-remapped device) after {k} CPU offline(s), 96 MSI-X vectors in use", d => LargestBlock(d, offline));
        }
        yield return ("free vectors per CPU, 96 MSI-X vectors in use", d => FreePerCpu(d, afterFree: false));
        yield return ("after the driver frees them and disables MSI-X: free vectors per CPU / irqs still allocated", d => FreePerCpu(d, afterFree: true));
        yield return ("dev0 asks 10 MSI-X vectors: first enable; again after disabling while dev1 took what it could", EnableDisableCycle);
        yield return ("pci_disable_msix with one of 4 vectors still hooked: result, mode after", DisableWhileHooked);
        yield return ("2nd of 4 request_irq fails, driver unwinds: irqs it still holds; vectors on re-enable", Unwind);
        yield return ("4 event channels bound: distinct irqs (irq numbers)", XenIrqs);
        yield return ("event channels moved by rebinding the first channel's irq to vCPU1", XenRebindMoves);
    }

    // ------------------------------------------------------------------ machines

    /// <summary>4 CPUs with a 64-vector window; a non-remapped 32-vector MSI device and a 96-entry MSI-X device.</summary>
    private static MachineConfig MsiMachine() => new()
    {
        Name = "capacity-msi", Cpus = 4, VectorEnd = 0x60, Xen = null, Remapping = null,
        Devices =
        [
            new DeviceConfig { Name = "dev0", PinIrq = 16, Msi = new MsiCapConfig { Mmc = 5, MaskBit = true, Is64 = true } },
            new DeviceConfig { Name = "dev1", PinIrq = 17, Msix = new MsixCapConfig { TableSize = 96 } },
        ],
    };

    /// <summary>1 CPU with 16 vectors, no reservation mode (vectors are taken at enable); two MSI-X devices.</summary>
    private static MachineConfig CycleMachine() => new()
    {
        Name = "capacity-cycle", Cpus = 1, VectorEnd = 0x30, ReservationMode = false, Xen = null, Remapping = null,
        Devices =
        [
            new DeviceConfig { Name = "dev0", PinIrq = 16, Msix = new MsixCapConfig { TableSize = 16 } },
            new DeviceConfig { Name = "dev1", PinIrq = 17, Msix = new MsixCapConfig { TableSize = 16 } },
        ],
    };

    private static MachineConfig XenMachine() => new()
    {
        Name = "capacity-xen", Cpus = 2, Remapping = null, Devices = [], Xen = new XenConfig { Vcpus = 2, Abi = "fifo" },
    };

    // ------------------------------------------------------------------ figures

    private static string LargestBlock(Design d, int offline)
    {
        foreach (int n in new[] { 32, 16, 8, 4, 2, 1 })
        {
            var sb = MsixInUse(96);
            for (int c = 0; c < offline; c++) sb.Append($"cpu_offline({3 - c})\n");
            sb.Append($"x = pci_alloc_irq_vectors(dev0, {n}, {n}, msi)\n");
            var (_, results) = Run(MsiMachine(), d, sb.ToString());
            if (Long(results["x"]) > 0) return n.ToString(CultureInfo.InvariantCulture);
        }
        return "0";
    }

    private static string FreePerCpu(Design d, bool afterFree)
    {
        var sb = MsixInUse(96);
        if (afterFree)
        {
            for (int i = 0; i < 96; i++) sb.Append($"free_irq(i{i})\n");
            sb.Append("pci_free_irq_vectors(dev1)\n");
        }
        var (m, _) = Run(MsiMachine(), d, sb.ToString());
        string free = string.Join("/", Enumerable.Range(0, m.Config.Cpus).Select(c => m.Matrix.Map(c).Available));
        return afterFree ? $"{free} / {m.Irqs.AllocatedCount(Model.Irq.IrqOwner.PciMsi)} irqs" : free;
    }

    private static StringBuilder MsixInUse(int n)
    {
        var sb = new StringBuilder($"n = pci_alloc_irq_vectors(dev1, {n}, {n}, msix)\n");
        for (int i = 0; i < n; i++) sb.Append($"i{i} = pci_irq_vector(dev1, {i})\nrequest_irq(i{i})\n");
        return sb;
    }

    private static string EnableDisableCycle(Design d)
    {
        var (_, r) = Run(CycleMachine(), d, """
            a = pci_alloc_irq_vectors(dev0, 1, 10, msix)
            pci_free_irq_vectors(dev0)
            b = pci_alloc_irq_vectors(dev1, 1, 16, msix)
            c = pci_alloc_irq_vectors(dev0, 1, 10, msix)
            """);
        return $"{r["a"]}, then {r["c"]} (dev1 got {r["b"]})";
    }

    private static string DisableWhileHooked(Design d)
    {
        var (m, _) = Run(MsiMachine(), d, """
            n = pci_alloc_irq_vectors(dev1, 4, 4, msix)
            i0 = pci_irq_vector(dev1, 0)
            request_irq(i0)
            pci_disable_msix(dev1)
            """, out var report);
        return $"{report.Ops[^1].Result}, {m.Pci.Devices[1].Mode.ToString().ToLowerInvariant()}";
    }

    private static string Unwind(Design d)
    {
        const string unwind = """
            n = pci_alloc_irq_vectors(dev1, 4, 4, msix)
            i0 = pci_irq_vector(dev1, 0)
            i1 = pci_irq_vector(dev1, 1)
            request_irq(i0)
            fault_next_request_irq()
            request_irq(i1)
            free_irq(i0)
            pci_free_irq_vectors(dev1)

            """;
        var (m, _) = Run(MsiMachine(), d, unwind);
        var (_, r) = Run(MsiMachine(), d, unwind + "again = pci_alloc_irq_vectors(dev1, 4, 4, msix)\n");
        return $"{m.Irqs.AllocatedCount(Model.Irq.IrqOwner.PciMsi)} irqs; {r["again"]}";
    }

    private static string XenIrqs(Design d)
    {
        var (_, r) = Run(XenMachine(), d, XenBind4);
        var irqs = Enumerable.Range(0, 4).Select(i => r["q" + i]).ToList();
        return $"{irqs.Distinct().Count()} ({string.Join(",", irqs)})";
    }

    private static string XenRebindMoves(Design d)
    {
        var (m, r) = Run(XenMachine(), d, XenBind4 + "request_irq(q0)\nxen_rebind(q0, 1)\n");
        int moved = 0;
        for (int i = 0; i < 4; i++)
            if (m.Xen!.EvtchnToInfo((int)Long(r["p" + i])) is { Cpu: 1 }) moved++;
        return moved.ToString(CultureInfo.InvariantCulture);
    }

    private const string XenBind4 = """
        p0 = evtchn_alloc_unbound()
        p1 = evtchn_alloc_unbound()
        p2 = evtchn_alloc_unbound()
        p3 = evtchn_alloc_unbound()
        q0 = bind_evtchn_to_irq(p0)
        q1 = bind_evtchn_to_irq(p1)
        q2 = bind_evtchn_to_irq(p2)
        q3 = bind_evtchn_to_irq(p3)

        """;

    // ------------------------------------------------------------------ running

    private static (Machine Machine, Dictionary<string, string> Results) Run(MachineConfig cfg, Design d, string text) =>
        Run(cfg, d, text, out _);

    /// <summary>Runs <paramref name="text"/> on a fresh machine booted with <paramref name="d"/>; the
    /// bound names map to their results (a number, or the errno name).</summary>
    private static (Machine Machine, Dictionary<string, string> Results) Run(MachineConfig cfg, Design d, string text, out RunReport report)
    {
        var m = new Machine(cfg, new Variants { Design = d });
        var prog = ProgramParser.Parse(text, "<capacity probe>", cfg);
        report = ProgramRunner.Run(m, prog, new RunOptions { Checks = [], CheckRefinement = false, CheckEveryStep = false });
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var op in report.Ops)
            if (op.Call.Bind is { } name) results[name] = op.Result;
        return (m, results);
    }

    private static long Long(string result) =>
        long.TryParse(result, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : -1;
}
