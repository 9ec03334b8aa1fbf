using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Pci;
using IrqVerify.Model.Program;
using static IrqVerify.Testing.ProgramBuilder;

namespace IrqVerify.Testing;

/// <summary>
/// Generates well-typed operation programs for a machine: resources flow from the operation that
/// creates them (pci_irq_vector, vector_alloc, evtchn_alloc_unbound, bind_*) to those that use
/// them, and each next step is chosen from the state reached so far (a shadow run of the program),
/// weighted towards the seed scenarios (<see cref="Fragment"/>), with single random operations of
/// the whole vocabulary and a controlled share of caller misuse. Deterministic in the seed.
/// </summary>
public static class ProgramGenerator
{
    public static IrqProgram Generate(MachineConfig cfg, Variants variants, Rng r, int size, ProgramProfile? profile = null)
    {
        var p = profile ?? ProgramProfile.Default;
        var g = new Gen(new ProgramBuilder(cfg, variants), r, p);
        int target = 1 + r.Next(Math.Clamp(size, 1, p.MaxOps));
        for (int guard = 0; g.B.Count < target && guard < 4 * target + 8; guard++)
        {
            int roll = r.Next(100);
            if (roll < p.MisusePercent) g.Misuse();
            else if (roll < p.MisusePercent + p.FragmentPercent) g.Fragment();
            else g.RandomOp();
        }
        return g.B.Build();
    }

    /// <summary>Is <paramref name="op"/> a Xen event-channel operation (its CPU arguments are vCPUs)?</summary>
    public static bool IsXenOp(string op) =>
        op.StartsWith("xen_", StringComparison.Ordinal) || op.StartsWith("bind_", StringComparison.Ordinal) ||
        op.StartsWith("evtchn_", StringComparison.Ordinal) || op.StartsWith("unbind_from", StringComparison.Ordinal);

    private sealed class Gen(ProgramBuilder b, Rng r, ProgramProfile p)
    {
        public ProgramBuilder B => b;
        private MachineConfig Cfg => b.Config;
        private Machine M => b.Shadow;
        private int Vcpus => Cfg.Xen?.Vcpus ?? 0;

        // ------------------------------------------------------------------ choices

        private int AnyCpu() => r.Next(Cfg.Cpus);

        private int OnlineCpu()
        {
            var on = M.Vector.OnlineMask;
            if (on.IsEmpty) return 0;
            int k = r.Next(on.Count);
            foreach (int c in on) if (k-- == 0) return c;
            return 0;
        }

        private CpuMask AnyMask()
        {
            ulong full = Cfg.Cpus >= 64 ? ulong.MaxValue : (1UL << Cfg.Cpus) - 1;
            ulong bits = r.NextUInt64() & full;
            if (r.Chance(40) || bits == 0) bits = 1UL << AnyCpu();
            return new CpuMask(bits);
        }

        private int Vcpu() => Vcpus == 0 ? 0 : r.Next(Vcpus);

        private int? DeviceWhere(Func<PciDevice, bool> pred)
        {
            var ds = M.Pci.Devices.Where(pred).ToList();
            return ds.Count == 0 ? null : r.Pick(ds).Index;
        }

        private static bool Idle(PciDevice d) => d.Mode == DeviceMode.Intx && d.Descriptors.Count == 0;

        /// <summary>A device with the capability that is idle; if only busy ones have it, tear one down first.</summary>
        private int? IdleDevice(Func<PciDevice, bool> cap)
        {
            var idle = DeviceWhere(d => cap(d) && Idle(d));
            if (idle is not null) return idle;
            var busy = DeviceWhere(cap);
            if (busy is null) return null;
            Teardown(busy.Value);
            return busy;
        }

        private List<Resource> MapVectors(int dev, int count)
        {
            var list = new List<Resource>();
            for (int k = 0; k < Math.Min(count, 8); k++)
            {
                var (_, v) = b.Emit("pci_irq_vector", b.Dev(dev), Int(k));
                list.Add(b.Resources[^1]);
                _ = v;
            }
            return list;
        }

        private void Request(Resource irq) => b.Emit("request_irq", Var(irq));

        // ------------------------------------------------------------------ fragments

        public void Fragment()
        {
            var w = new int[Enum.GetValues<Fragment>().Length];
            foreach (var (f, wt) in p.Weights) w[(int)f] = wt;
            if (Cfg.Xen is null) w[(int)Testing.Fragment.XenRebind] = w[(int)Testing.Fragment.XenLateEoi] = w[(int)Testing.Fragment.XenUnbind] = 0;
            if (w.Sum() == 0) { RandomOp(); return; }
            switch ((Fragment)r.Weighted(w))
            {
                case Testing.Fragment.MsixUnwind: MsixUnwind(); break;
                case Testing.Fragment.MultiMsi: MultiMsi(); break;
                case Testing.Fragment.PciEnable: PciEnable(); break;
                case Testing.Fragment.PciTeardown:
                    var busy = DeviceWhere(d => !Idle(d));
                    if (busy is null) PciEnable(); else Teardown(busy.Value);
                    break;
                case Testing.Fragment.DynamicMsix: DynamicMsix(); break;
                case Testing.Fragment.VectorMove: VectorMove(); break;
                case Testing.Fragment.Hotplug: Hotplug(); break;
                case Testing.Fragment.Exhaust: Exhaust(); break;
                case Testing.Fragment.XenRebind: XenRebind(); break;
                case Testing.Fragment.XenLateEoi: XenLateEoi(); break;
                case Testing.Fragment.XenUnbind: XenUnbind(); break;
            }
        }

        private void MsixUnwind()
        {
            var dev = IdleDevice(d => d.Msix is not null);
            if (dev is not { } d) { PciEnable(); return; }
            int n = r.Range(1, Math.Min(Cfg.Devices[d].Msix!.TableSize, 6));
            var (res, _) = b.Emit("pci_alloc_irq_vectors", b.Dev(d), Int(n), Int(n), Flags("pci_alloc_irq_vectors", 3, "msix"));
            if (!res.Ok) return;
            var irqs = MapVectors(d, (int)res.Value);
            Request(irqs[0]);
            b.Emit("fault_next_request_irq");
            Request(irqs[Math.Min(1, irqs.Count - 1)]);
            b.Emit("free_irq", Var(irqs[0]));
            b.Emit("pci_free_irq_vectors", b.Dev(d));
            var (again, _) = b.Emit("pci_alloc_irq_vectors", b.Dev(d), Int(n), Int(n), Flags("pci_alloc_irq_vectors", 3, "msix"));
            if (!again.Ok) return;
            var a0 = MapVectors(d, 1)[0];
            Request(a0);
            b.Emit("device_raise", b.Dev(d), Int(0));
            if (r.Chance(50)) b.Emit("interrupt", Cpu(OnlineCpu()));
        }

        private void MultiMsi()
        {
            var dev = IdleDevice(d => d.Msi is not null);
            if (dev is not { } d) { PciEnable(); return; }
            int mmc = Cfg.Devices[d].Msi!.Mmc;
            int n = r.Chance(15) ? 3 : 1 << r.Range(Math.Min(1, mmc), mmc);
            int min = r.Chance(50) ? n : 1;
            var flags = r.Chance(p.ManagedMultiMsiPercent) ? Flags("pci_alloc_irq_vectors", 3, "msi", "affinity") : Flags("pci_alloc_irq_vectors", 3, "msi");
            var (res, _) = b.Emit("pci_alloc_irq_vectors", b.Dev(d), Int(min), Int(n), flags);
            if (!res.Ok) return;
            int got = (int)res.Value;
            var irqs = MapVectors(d, got);
            foreach (var irq in irqs) if (r.Chance(70)) Request(irq);
            b.Emit("device_raise", b.Dev(d), Int(r.Next(got)));
            if (r.Chance(p.MultiMsiMovePercent)) b.Emit("irq_set_affinity", Var(irqs[0]), Mask(AnyMask()));
            if (r.Chance(40)) b.Emit("interrupt", Cpu(OnlineCpu()));
        }

        private void PciEnable()
        {
            var dev = IdleDevice(_ => true);
            if (dev is not { } d) return;
            string[] all = ["msix", "msi", "intx"];
            var chosen = all.Where(_ => r.Chance(60)).ToList();
            if (chosen.Count == 0) chosen.Add(r.Pick(all));
            if (r.Chance(25)) chosen.Add("affinity");
            int min = r.Chance(70) ? 1 : r.Range(2, 4);
            int max = min + r.Pick(MaxExtra);
            var (res, _) = b.Emit("pci_alloc_irq_vectors", b.Dev(d), Int(min), Int(max), Flags("pci_alloc_irq_vectors", 3, chosen.ToArray()));
            if (!res.Ok) return;
            var irqs = MapVectors(d, (int)Math.Min(res.Value, r.Range(1, 4)));
            foreach (var irq in irqs) if (r.Chance(60)) Request(irq);
            if (r.Chance(60)) b.Emit("device_raise", b.Dev(d), Int(r.Next((int)res.Value)));
        }

        private static readonly int[] MaxExtra = [0, 0, 1, 3, 7, 15];

        private void Teardown(int d)
        {
            foreach (var irq in b.IrqsOfDevice(d)) if (b.Requested(irq)) b.Emit("free_irq", Var(irq));
            var mode = M.Pci.Devices[d].Mode;
            string op = r.Chance(70) ? "pci_free_irq_vectors" : mode == DeviceMode.Msix ? "pci_disable_msix" : "pci_disable_msi";
            b.Emit(op, b.Dev(d));
        }

        private void DynamicMsix()
        {
            var dev = DeviceWhere(d => d.Msix is not null);
            if (dev is not { } d) { PciEnable(); return; }
            if (M.Pci.Devices[d].Mode != DeviceMode.Msix)
            {
                if (!Idle(M.Pci.Devices[d])) Teardown(d);
                var (res, _) = b.Emit("pci_alloc_irq_vectors", b.Dev(d), Int(1), Int(1), Flags("pci_alloc_irq_vectors", 3, "msix"));
                if (!res.Ok) return;
            }
            int index = r.Chance(50) ? -1 : r.Next(Cfg.Devices[d].Msix!.TableSize);
            b.Emit("pci_msix_alloc_irq_at", b.Dev(d), Int(index));
            var irq = b.Resources[^1];
            Request(irq);
            if (index >= 0 && r.Chance(60)) b.Emit("device_raise", b.Dev(d), Int(index));
            if (r.Chance(50))
            {
                b.Emit("free_irq", Var(irq));
                b.Emit("pci_msix_free_irq", b.Dev(d), Var(irq));
            }
        }

        private void VectorMove()
        {
            var managed = r.Chance(20) ? "managed" : "none";
            var mask = r.Chance(15) ? CpuMask.Empty : AnyMask();
            b.Emit("vector_alloc", Mask(mask), Word("vector_alloc", 1, managed));
            var irq = b.Resources[^1];
            Request(irq);
            b.Emit("irq_set_affinity", Var(irq), Mask(AnyMask()));
            b.Emit("apic_raise", Var(irq));
            b.Emit("interrupt", Cpu(OnlineCpu()));
            if (r.Chance(60)) b.Emit("cleanup_timer", Cpu(AnyCpu()));
            if (r.Chance(30))
            {
                b.Emit("free_irq", Var(irq));
                b.Emit("vector_free", Var(irq));
            }
        }

        private void Hotplug()
        {
            if (Cfg.Cpus < 2) { VectorMove(); return; }
            int c = OnlineCpu();
            b.Emit("cpu_offline", Cpu(c));
            var live = b.LiveIrqs();
            if (live.Count > 0 && r.Chance(60))
            {
                var irq = r.Pick(live);
                if (M.Irqs[(int)irq.Value] is { Owner: Model.Irq.IrqOwner.PciMsi } d) b.Emit("device_raise", b.Dev(d.OwnerIndex), Int(d.OwnerSub));
                else if (M.Irqs[(int)irq.Value]?.Owner != Model.Irq.IrqOwner.Xen) b.Emit("apic_raise", Var(irq));
            }
            if (r.Chance(70)) b.Emit("cpu_online", Cpu(c));
        }

        private void Exhaust()
        {
            int c = OnlineCpu();
            int slots = Math.Min(Cfg.VectorEnd - Cfg.VectorStart, 12);
            int k = r.Range(2, Math.Max(2, slots));
            var got = new List<Resource>();
            for (int i = 0; i < k; i++)
            {
                b.Emit("vector_alloc", Mask(CpuMask.Of(c)), Word("vector_alloc", 1, "none"));
                got.Add(b.Resources[^1]);
            }
            foreach (var irq in got) if (r.Chance(30)) b.Emit("vector_free", Var(irq));
        }

        private void XenRebind()
        {
            if (b.Count == 0 && r.Chance(30)) b.Emit("xen_set_abi", Word("xen_set_abi", 0, r.Chance(50) ? "2l" : "fifo"));
            b.Emit("evtchn_alloc_unbound");
            var port = b.Resources[^1];
            b.Emit(r.Chance(80) ? "bind_evtchn_to_irq" : "bind_evtchn_to_irq_lateeoi", Var(port));
            var irq = b.Resources[^1];
            Request(irq);
            b.Emit("xen_send", Var(port));
            int v = Vcpu();
            b.Emit("xen_rebind", Var(irq), Cpu(v));
            b.Emit("xen_upcall", Cpu(0));
            b.Emit("xen_upcall", Cpu(v));
            if (r.Chance(40))
            {
                b.Emit("xen_send", Var(port));
                b.Emit("xen_upcall", Cpu(v));
            }
        }

        private void XenLateEoi()
        {
            b.Emit("evtchn_alloc_unbound");
            var port = b.Resources[^1];
            b.Emit("bind_evtchn_to_irq_lateeoi", Var(port));
            var irq = b.Resources[^1];
            Request(irq);
            b.Emit("xen_send", Var(port));
            b.Emit("xen_upcall", Cpu(0));
            b.Emit("xen_send", Var(port));
            b.Emit("xen_upcall", Cpu(0));
            b.Emit("xen_irq_lateeoi", Var(irq), Word("xen_irq_lateeoi", 1, r.Chance(80) ? "normal" : "spurious"));
            b.Emit("xen_upcall", Cpu(0));
            if (r.Chance(50)) b.Emit("xen_irq_lateeoi", Var(irq), Word("xen_irq_lateeoi", 1, "normal"));
        }

        private void XenUnbind()
        {
            var xen = b.LiveIrqs().Where(i => M.Irqs[(int)i.Value]?.Owner == Model.Irq.IrqOwner.Xen).ToList();
            if (xen.Count == 0) { XenRebind(); return; }
            var irq = r.Pick(xen);
            b.Emit(b.Requested(irq) ? "unbind_from_irqhandler" : "unbind_from_irq", Var(irq));
        }

        // ------------------------------------------------------------------ single operations

        public void RandomOp()
        {
            var ops = Vocabulary();
            for (int tries = 0; tries < 6; tries++)
            {
                var spec = r.Pick(ops);
                var args = new ProgramArg[spec.Params.Length];
                bool ok = true;
                for (int i = 0; i < args.Length && ok; i++)
                {
                    var a = Arg(spec, spec.Params[i]);
                    if (a is null) ok = false;
                    else args[i] = a;
                }
                if (!ok || !KeepsContract(spec, args)) continue;
                b.Emit(spec.Name, args);
                return;
            }
        }

        /// <summary>
        /// A single random operation stays inside the driver contract (breaking it is the job of
        /// <see cref="Misuse"/>): raw domain/chip operations only on irqs without a handler, no
        /// MSI teardown while a handler of the device is requested, vCPU0 never goes offline.
        /// </summary>
        private bool KeepsContract(OpSpec spec, ProgramArg[] args)
        {
            bool Requested(ProgramArg a) => b.Resources.FirstOrDefault(x => x.Name == a.Variable) is { } res && b.Requested(res);
            bool DeviceBusy(ProgramArg a) => b.IrqsOfDevice((int)a.Value).Any(b.Requested);
            return spec.Name switch
            {
                "vector_activate" or "vector_deactivate" or "vector_free" or "xen_mask" or "xen_unmask" or "unbind_from_irq" => !Requested(args[0]),
                "pci_free_irq_vectors" or "pci_disable_msi" or "pci_disable_msix" => !DeviceBusy(args[0]),
                "pci_msix_free_irq" => !Requested(args[1]),
                "xen_vcpu_offline" => args[0].Value != 0,
                _ => true,
            };
        }

        private List<OpSpec> _vocabulary = [];

        private List<OpSpec> Vocabulary()
        {
            if (_vocabulary.Count > 0) return _vocabulary;
            _vocabulary = OpCatalog.Default.All
                .Where(o => !o.PeerHarness || p.Ops?.Contains(o.Name) == true)
                .Where(o => p.Ops is null || p.Ops.Contains(o.Name))
                .Where(o => Cfg.Xen is not null || !IsXenOp(o.Name))
                .Where(o => Cfg.Devices.Count > 0 || o.Params.All(x => x.Kind != ArgKind.Device))
                .ToList();
            return _vocabulary;
        }

        private ProgramArg? Arg(OpSpec spec, ParamSpec prm)
        {
            switch (prm.Kind)
            {
                case ArgKind.Int: return Int(IntFor(prm.Name));
                case ArgKind.Cpu: return Cpu(IsXenOp(spec.Name) ? Vcpu() : r.Chance(80) ? OnlineCpu() : AnyCpu());
                case ArgKind.Mask: return Mask(AnyMask());
                case ArgKind.Device: return b.Dev(r.Next(Cfg.Devices.Count));
                case ArgKind.Irq:
                {
                    var live = b.LiveIrqs();
                    var pool = live.Count > 0 && r.Chance(85) ? live : b.Irqs();
                    return pool.Count == 0 ? null : Var(r.Pick(pool));
                }
                case ArgKind.Port:
                {
                    var ports = b.Ports();
                    return ports.Count == 0 ? null : Var(r.Pick(ports));
                }
                case ArgKind.Word: return WordOf(prm, r.Next(prm.Words!.Length));
                default:
                {
                    long bits = (long)(r.NextUInt64() & ((1UL << prm.Words!.Length) - 1));
                    if (bits == 0) bits = 1L << r.Next(prm.Words.Length);
                    return FlagsOf(prm, bits);
                }
            }
        }

        private int IntFor(string name) => name switch
        {
            "min" => r.Chance(70) ? 1 : r.Range(2, 4),
            "max" => r.Pick(MaxChoices),
            "index" => r.Chance(40) ? -1 : r.Range(0, 7),
            "ipi" => r.Range(0, 7),
            "virq" => r.Range(0, 23),
            _ => r.Chance(70) ? r.Range(0, 1) : r.Range(0, 7),
        };

        private static readonly int[] MaxChoices = [1, 2, 3, 4, 8, 16, 32];

        // ------------------------------------------------------------------ misuse

        public void Misuse()
        {
            switch (r.Next(6))
            {
                case 0: // double free
                {
                    var req = b.LiveIrqs().Where(b.Requested).ToList();
                    if (req.Count == 0) { VectorMove(); return; }
                    var irq = r.Pick(req);
                    b.Emit("free_irq", Var(irq));
                    b.Emit("free_irq", Var(irq));
                    return;
                }
                case 1: // a freed irq or a closed port used again
                {
                    var dead = b.Irqs().Where(i => i.Value >= 0 && M.Irqs[(int)i.Value] is null).ToList();
                    if (dead.Count > 0)
                    {
                        var irq = r.Pick(dead);
                        if (r.Chance(50)) b.Emit("request_irq", Var(irq));
                        else b.Emit("irq_set_affinity", Var(irq), Mask(AnyMask()));
                        return;
                    }
                    var ports = b.Ports();
                    if (ports.Count > 0) { b.Emit("xen_send", Var(r.Pick(ports))); return; }
                    var any = b.Irqs();
                    if (any.Count > 0) b.Emit("request_irq", Var(r.Pick(any)));
                    return;
                }
                case 2: // empty mask
                {
                    var live = b.LiveIrqs();
                    if (live.Count == 0) { b.Emit("vector_alloc", Mask(CpuMask.Empty), Word("vector_alloc", 1, "managed")); return; }
                    b.Emit("irq_set_affinity", Var(r.Pick(live)), Mask(CpuMask.Empty));
                    return;
                }
                case 3: // out-of-range indices
                {
                    int d = r.Next(Cfg.Devices.Count);
                    switch (r.Next(4))
                    {
                        case 0: b.Emit("pci_irq_vector", b.Dev(d), Int(r.Range(33, 2100))); break;
                        case 1: b.Emit("device_raise", b.Dev(d), Int(r.Chance(50) ? -3 : r.Range(33, 2100))); break;
                        case 2: b.Emit("cpu_offline", Cpu(Cfg.Cpus + r.Range(0, 3))); break;
                        default: b.Emit("pci_alloc_irq_vectors", b.Dev(d), Int(r.Range(3, 40)), Int(r.Range(0, 2)), Flags("pci_alloc_irq_vectors", 3, "msi", "msix")); break;
                    }
                    return;
                }
                case 4: // disable with handlers still requested (I-P15 contract)
                {
                    var dev = DeviceWhere(d => !Idle(d) && b.IrqsOfDevice(d.Index).Any(b.Requested));
                    if (dev is not { } d) { MultiMsi(); return; }
                    b.Emit("pci_free_irq_vectors", b.Dev(d));
                    return;
                }
                default: // MSI while MSI-X is on (and the reverse)
                {
                    var dev = DeviceWhere(d => d.Mode == DeviceMode.Msix && d.Msi is not null);
                    if (dev is { } d)
                    {
                        if (r.Chance(50)) b.Emit("pci_enable_msi", b.Dev(d));
                        else b.Emit("pci_alloc_irq_vectors", b.Dev(d), Int(1), Int(1), Flags("pci_alloc_irq_vectors", 3, "msi"));
                        return;
                    }
                    var msi = DeviceWhere(x => x.Mode == DeviceMode.Msi && x.Msix is not null);
                    if (msi is { } m2) { b.Emit("pci_alloc_irq_vectors", b.Dev(m2), Int(1), Int(2), Flags("pci_alloc_irq_vectors", 3, "msix")); return; }
                    DynamicMsix();
                    return;
                }
            }
        }
    }
}
