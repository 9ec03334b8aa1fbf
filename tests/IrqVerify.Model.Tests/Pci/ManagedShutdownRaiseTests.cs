using IrqVerify.Model.Core;
using IrqVerify.Model.Program;
using IrqVerify.Model.Tests.Programs;

namespace IrqVerify.Model.Tests.Pci;

/// <summary>I-G2 finding (verify, seed 7): a device raised a managed vector while its irq was in
/// managed shutdown (its only CPU offline; the IRTE is not present, so the write faults). The
/// managed-irq contract has the driver quiesce the device first: reported as caller misuse, and
/// no handler run is owed.</summary>
public class ManagedShutdownRaiseTests
{
    // 4 CPUs; dev1: 8-vector multi-MSI without per-vector masking, behind interrupt remapping.
    private const string Json = """
        {"name": "nomask-multi-msi", "cpus": 4, "vectorStart": 32, "vectorEnd": 45, "systemVectors": [],
         "devices": [{"name": "dev1", "pinIrq": 17, "remapped": true, "msi": {"mmc": 3, "maskBit": false, "is64": true}}],
         "remapping": {"entries": 32}}
        """;

    private static (Machine M, RunReport R) Run(string text, bool noMask = true) =>
        ProgramKit.Run(text, noMask ? MachineConfig.Parse(Json, "nomask.json") : null);

    [Fact]
    public void Raising_a_managed_irq_in_managed_shutdown_is_misuse_and_owes_no_handler_run()
    {
        var (m, r) = Run("pci_alloc_irq_vectors(dev1, 1, 4, msi|affinity)\nirq = pci_irq_vector(dev1, 3)\nrequest_irq(irq)\ncpu_offline(3)\ndevice_raise(dev1, 3)\ncpu_online(3)\n");
        Assert.True(m.Irqs[27]!.Managed);
        var d = Assert.Single(m.Diagnostics.Items, x => x.Severity == Severity.Misuse);
        Assert.Equal("device_raise", d.Rule);
        Assert.StartsWith("dev1 raises irq 27, a managed irq shut down with its last CPU", d.Message, StringComparison.Ordinal);
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        Assert.Equal(0, m.Irqs[27]!.Invocations);
    }

    [Fact]
    public void The_same_raise_after_the_cpu_is_back_is_delivered()
    {
        var (m, r) = Run("pci_alloc_irq_vectors(dev1, 1, 4, msi|affinity)\nirq = pci_irq_vector(dev1, 3)\nrequest_irq(irq)\ncpu_offline(3)\ncpu_online(3)\ndevice_raise(dev1, 3)\n");
        Assert.DoesNotContain(m.Diagnostics.Items, x => x.Severity == Severity.Misuse);
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        Assert.Equal(1, m.Irqs[27]!.Invocations);
    }

    [Fact]
    public void A_maskable_MSI_X_entry_pends_through_the_shutdown_and_is_delivered_after_the_restart()
    {
        var (m, r) = Run("pci_alloc_irq_vectors(dev1, 1, 4, msix|affinity)\nirq = pci_irq_vector(dev1, 3)\nrequest_irq(irq)\ncpu_offline(3)\ndevice_raise(dev1, 3)\ncpu_online(3)\n", noMask: false);
        Assert.DoesNotContain(m.Diagnostics.Items, x => x.Severity == Severity.Misuse);
        Assert.True(r.Ok, string.Join("\n", r.Violations));
        Assert.Equal(1, m.Irqs[27]!.Invocations);
    }
}
