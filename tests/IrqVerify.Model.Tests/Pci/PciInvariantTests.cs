using IrqVerify.Designs.ContiguousMultiMsi;
using IrqVerify.Model.Core;
using IrqVerify.Model.Pci;
using static IrqVerify.Model.Tests.Pci.PciKit;

namespace IrqVerify.Model.Tests.Pci;

/// <summary>Every PCI check fires on a deliberately corrupted state — and only the checks that should.</summary>
public class PciInvariantTests
{
    /// <summary>
    /// dev0: 3-vector MSI behind remapping (maskable), dev1: 2 MSI-X vectors (index 0 requested),
    /// dev2: non-maskable non-remapped MSI (requested), dev3: maskable MSI in INTx mode.
    /// </summary>
    private static Machine Clean()
    {
        var m = Make(
            MsiDev("msi-ir", mmc: 3, maskBit: true, remapped: true),
            MsixDev("msix", 8, remapped: false),
            MsiDev("msi", mmc: 0, maskBit: false, remapped: false, pin: 18),
            MsiDev("idle", mmc: 2, maskBit: true, remapped: false, pin: 19));
        Assert.Equal(3, Alloc(m, 0, 3, 3, Msi));
        Assert.Equal(2, Alloc(m, 1, 2, 2, Msix));
        Assert.Equal(Errno.Ok, Request(m, m.Pci.IrqVector(1, 0)));
        Assert.Equal(1, Alloc(m, 2, 1, 1, Msi));
        Assert.Equal(Errno.Ok, Request(m, m.Pci.IrqVector(2, 0)));
        AssertClean(m);
        return m;
    }

    private static PciDevice Dev(Machine m, int i) => m.Pci.Devices[i];

    public static TheoryData<string> Ids => new()
    {
        "I-P1", "I-P2", "I-P3", "I-P4", "I-P5", "I-P6", "I-P7", "I-P8", "I-P9", "I-P10", "I-P11", "I-P12",
        "I-P13", "I-P14", "I-P15", "I-P16", "I-P17", "I-V8",
    };

    private static readonly Dictionary<string, (Action<Machine> Corrupt, string[] Fires)> Cases = new()
    {
        ["I-P1"] = (m => Dev(m, 1).MsiEnabled = true, ["I-P1"]),
        ["I-P2"] = (m => Dev(m, 0).Msi!.Mme = 3, ["I-P2"]),
        ["I-P3"] = (m => m.Pci.Irte!.Entries.Mutable(Dev(m, 0).MsiDesc!.IrteBase + 3).Device = 1, ["I-P3"]),
        ["I-P4"] = (m => m.Pci.Irte!.Entries[60] = new Irte { Allocated = true, Device = 0 }, ["I-P4"]),
        ["I-P5"] = (m => m.Irqs[Dev(m, 0).MsiDesc!.Irq + 1]!.OwnerSub = 7, ["I-P5"]),
        ["I-P6"] = (m => Dev(m, 0).MsiDesc!.EarlyActivated[1] = false, ["I-P6"]),
        ["I-P7"] = (m => Dev(m, 0).MsiDesc!.Masked ^= 1, ["I-P7"]),
        ["I-P8"] = (m => { Dev(m, 0).Msi!.MaskReg |= 1u << 20; Dev(m, 0).MsiDesc!.Masked |= 1u << 20; }, ["I-P8"]),
        ["I-P9"] = (m => Dev(m, 3).IntxDisabled = true, ["I-P9"]),
        ["I-P10"] = (m => Dev(m, 2).FreedWhileActivated = 1, ["I-P10"]),
        ["I-P11"] = (m => Dev(m, 1).LastAlloc = new AllocRecord(1, 2, 3, DeviceMode.Msix), ["I-P11"]),
        ["I-P12"] = (m => { Dev(m, 3).IntxReason = IntxReason.FailedEnable; Dev(m, 3).Msi!.MaskReg = 1; }, ["I-P12"]),
        ["I-P13"] = (m => Dev(m, 1).Msix!.Entries.Mutable(5).Masked = false, ["I-P13"]),
        ["I-P14"] = (m => Dev(m, 1).Msix!.Enable = false, ["I-P14"]),
        ["I-P15"] = (m =>
        {
            var dev = Dev(m, 1);
            var desc = dev.Descriptors[0];
            dev.Descriptors.Remove(0);
            dev.Leaked.Add(desc);
            dev.Msix!.Entries.Mutable(0).Masked = true;
            dev.LastAlloc = null;
        }, ["I-P15"]),
        ["I-P16"] = (m => { Dev(m, 3).IntxReason = IntxReason.MsiShutdown; Dev(m, 3).Msi!.MaskReg = 1; }, ["I-P16"]),
        ["I-P17"] = (m => { Dev(m, 2).Msi!.Mme = 1; Dev(m, 2).MsiDesc!.Multiple = 1; }, ["I-P2", "I-P17"]),
        ["I-V8"] = (m => Dev(m, 2).Msi!.Data = 0x99, ["I-V8"]),
    };

    [Theory]
    [MemberData(nameof(Ids))]
    public void Corruption_fires_exactly_the_expected_checks(string id)
    {
        var m = Clean();
        var (corrupt, fires) = Cases[id];
        corrupt(m);
        AssertFired(m, fires);
    }

    [Fact]
    public void I_V15_two_virqs_of_a_device_sharing_one_vector()
    {
        var m = Clean();
        var x = Dev(m, 1);
        var a0 = m.Vector.Apic(x.Descriptors[0].Irq)!;
        var a1 = m.Vector.Apic(x.Descriptors[1].Irq)!;
        a1.Cpu = a0.Cpu;
        a1.Vector = a0.Vector;
        var fired = Fired(m);
        Assert.Contains("I-V15", fired);
        Assert.DoesNotContain(fired, f => f.StartsWith("I-P", StringComparison.Ordinal) || f == "I-V8");
    }

    [Fact]
    public void I_V15_contiguous_block_must_be_aligned_base_plus_k_on_one_CPU()
    {
        var m = Make(v => v.Design = new ContiguousMultiMsiDesign(), MsiDev("d", mmc: 2, maskBit: false, remapped: false));
        Assert.Equal(4, Alloc(m, 0, 4, 4, Msi));
        AssertClean(m);
        var d = Dev(m, 0).MsiDesc!;
        m.Vector.Apic(d.Irq + 2)!.Vector += 1;
        var fired = Fired(m);
        Assert.Contains("I-V15", fired);
        Assert.DoesNotContain(fired, f => f.StartsWith("I-P", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_PCI_check_is_in_the_catalogue_and_covered()
    {
        var ids = PciInvariants.All.Select(c => c.Id).ToList();
        Assert.Equal(19, ids.Count);
        foreach (var id in ids.Where(i => i != "I-V15")) Assert.True(Cases.ContainsKey(id), id);
        Assert.All(ids, id => Assert.Contains(Invariants.InvariantCatalog.All, c => c.Id == id));
    }

    [Fact]
    public void Mid_operation_states_of_a_sequential_enable_are_clean()
    {
        var m = Make(MsiDev("d", mmc: 3, maskBit: true, remapped: true), MsixDev("x", 4, remapped: false));
        var t1 = new ModelThread(1, "msi", 0, m.Pci.AllocIrqVectors(0, 1, 8, Msi, new OpResult()));
        var t2 = new ModelThread(2, "msix", 1, m.Pci.AllocIrqVectors(1, 1, 4, Msix, new OpResult()));
        while (!t1.Done || !t2.Done)
        {
            if (!t1.Done && t1.IsEnabled(m.Locks)) t1.Step(m);
            AssertClean(m);
            if (!t2.Done && t2.IsEnabled(m.Locks)) t2.Step(m);
            AssertClean(m);
        }
        Assert.Equal(DeviceMode.Msi, Dev(m, 0).Mode);
        Assert.Equal(DeviceMode.Msix, Dev(m, 1).Mode);
    }
}
