using IrqVerify.Model;

namespace IrqVerify.Fuzz;

/// <summary>
/// The machine the fuzzer runs on by default (fuzz/machines/fuzz-small.json is the same, for replay
/// with <c>irqverify run --machine</c>). Small on purpose: a 16-slot vector window on 4 CPUs makes
/// exhaustion, hot-unplug refusals and affinity breaking reachable in a few operations; 64 Linux irqs
/// and 64 ports keep construction and state scans cheap. Same device kinds as the default machine
/// (a remapped multi-MSI device, an MSI-X device with plain MSI) plus a remapped MSI-X device whose
/// single IRTEs fragment the remapping table, and a 2-vCPU Xen guest.
/// </summary>
public static class FuzzMachines
{
    public const string SmallName = "fuzz-small";

    public static MachineConfig Small() => new()
    {
        Name = SmallName,
        Cpus = 4,
        VectorStart = 0x20,
        VectorEnd = 0x30,
        SystemVectors = [0x22],
        NrIrqs = 64,
        FirstDynamicIrq = 24,
        Devices =
        [
            new DeviceConfig { Name = "dev0", PinIrq = 16, Remapped = true, Msi = new MsiCapConfig { Mmc = 3, MaskBit = true, Is64 = true } },
            new DeviceConfig { Name = "dev1", PinIrq = 17, Remapped = false, Msi = new MsiCapConfig { Mmc = 2, MaskBit = false, Is64 = true }, Msix = new MsixCapConfig { TableSize = 8 } },
            new DeviceConfig { Name = "dev2", PinIrq = 18, Remapped = true, Msix = new MsixCapConfig { TableSize = 4 } },
        ],
        Remapping = new RemappingConfig { Entries = 32 },
        Xen = new XenConfig { Vcpus = 2, Abi = "fifo", MaxPorts = 64 },
    };
}
