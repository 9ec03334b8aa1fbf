using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;

namespace IrqVerify.Model.Xen;

/// <summary>
/// A Xen guest's event channels (drivers/xen/events/): the hypervisor side
/// (<see cref="XenHypervisor"/> + the ABI's shared structures) and Linux's side: the
/// evtchn_to_irq table, irq_info, per-vCPU VIRQ/IPI tables and channel accounting, the Xen irq
/// chips, the upcall, masking with reasons, rebinding, late EOI and RCU-deferred freeing.
/// The guest's vCPUs are their own CPUs (m.Config.Xen.Vcpus) with their own online mask.
/// This file: state, lookups, boot, drain, hash, dump. The rest lives in XenEvents.*.cs.
/// </summary>
public sealed partial class XenEvents
{
    /// <summary>Ticks per second of the logical clock (HZ).</summary>
    public const int Hz = 250;
    /// <summary>Default per-device spurious threshold.</summary>
    public const int SpuriousThreshold = 1;
    /// <summary>SHRT_MAX: refcount ceiling of user channels.</summary>
    public const int RefcntMax = short.MaxValue;

    internal readonly Machine M;

    /// <summary>Bumped by every change of the guest's or the hypervisor's event-channel state: the
    /// setters of irq_infos and ports, the tracked tables and ABI arrays, the central mutators
    /// (SetInfo, evtchn_to_irq) and CopyFrom.</summary>
    internal ChangeEpoch Epoch { get; } = new();

    public XenEvents(Machine m)
    {
        M = m;
        var cfg = m.Config.Xen ?? new XenConfig();
        Vcpus = cfg.Vcpus;
        MaxPorts = cfg.MaxPorts;
        Hv = new XenHypervisor(this, Vcpus, MaxPorts);
        Abi = CreateAbi(cfg.Abi);
        EvtchnToIrq = new EvtchnToIrq(MaxPorts, Epoch);
        Infos = new IrqInfo?[m.Config.NrIrqs];
        _infoBits = new ulong[(Infos.Length + 63) / 64];
        VirqToIrq = NewTable(XenVirq.NrVirqs, -1);
        IpiToIrq = NewTable(XenVirq.NrIpis, -1);
        IpiToEvtchn = NewTable(XenVirq.NrIpis, 0);
        ChannelsOnCpu = new TrackedArray<int>(Vcpus, Epoch);
        EoiLists = new TrackedList<IrqInfo>[Vcpus];
        for (int c = 0; c < Vcpus; c++) EoiLists[c] = new TrackedList<IrqInfo>(Epoch);
        UpcallStart = new TrackedArray<long>(Vcpus, Epoch);
        UpcallStart.Fill(-1L);
        HeldInfo = new TrackedArray<IrqInfo?>(Vcpus, Epoch);
        RcuPending = new TrackedList<IrqInfo>(Epoch);
        IrqEpoch = new TrackedArray<int>(Vcpus, Epoch);
        GoingOffline = new TrackedArray<bool>(Vcpus, Epoch);
        DynamicChip = new XenDynamicChip(this);
        LateEoiChip = new XenLateEoiChip(this);
        PercpuChip = new XenPercpuChip(this);
    }

    public int Vcpus { get; }
    public int MaxPorts { get; }
    public XenHypervisor Hv { get; }
    public EvtchnAbi Abi { get; private set { field = value; Epoch.Bump(); } }
    public EvtchnToIrq EvtchnToIrq { get; }
    /// <summary>irq → irq_info (chip data), kept until the RCU-deferred free releases it.</summary>
    internal readonly IrqInfo?[] Infos;
    internal readonly TrackedArray<int>[] VirqToIrq;
    internal readonly TrackedArray<int>[] IpiToIrq;
    internal readonly TrackedArray<int>[] IpiToEvtchn;
    internal readonly TrackedArray<int> ChannelsOnCpu;
    /// <summary>The guest's cpu_online_mask.</summary>
    public CpuMask Online { get; internal set { field = value; Epoch.Bump(); } }
    /// <summary>Per-CPU late-EOI lists, sorted by eoi_time.</summary>
    internal readonly TrackedList<IrqInfo>[] EoiLists;
    /// <summary>The logical clock (jiffies).</summary>
    public long Jiffies { get; internal set { field = value; Epoch.Bump(); } }

    internal readonly XenDynamicChip DynamicChip;
    internal readonly XenLateEoiChip LateEoiChip;
    internal readonly XenPercpuChip PercpuChip;

    private TrackedArray<int>[] NewTable(int n, int fill)
    {
        var t = new TrackedArray<int>[Vcpus];
        for (int c = 0; c < Vcpus; c++) { t[c] = new TrackedArray<int>(n, Epoch); t[c].Fill(fill); }
        return t;
    }

    private EvtchnAbi CreateAbi(string name) =>
        name == "2l" ? new TwoLevelAbi(this, Vcpus) : new FifoAbi(this, Vcpus, MaxPorts);

    public void Boot()
    {
        Online = CpuMask.FirstN(Vcpus);
    }

    /// <summary>VALID_EVTCHN: port 0 is never valid.</summary>
    public static bool ValidEvtchn(int port) => port > 0;

    /// <summary>info_for_irq: the chip data of the irq (also while its free waits for RCU).</summary>
    public IrqInfo? InfoForIrq(int irq) => irq >= 0 && irq < Infos.Length ? Infos[irq] : null;

    /// <summary>evtchn_from_irq: the port the irq is bound to; 0 (never a valid port) when it has no
    /// live irq_info.</summary>
    public int EvtchnFromIrq(int irq) => InfoForIrq(irq) is { Freed: false } i ? i.Evtchn : 0;

    /// <summary>evtchn_to_info: NULL-robust lookup through the table.</summary>
    public IrqInfo? EvtchnToInfo(int port)
    {
        int irq = EvtchnToIrq.Get(port);
        return irq < 0 ? null : InfoForIrq(irq);
    }

    /// <summary>Live (not freed) infos in irq order.</summary>
    public LiveInfoEnumerable LiveInfos() => new(Infos, _infoBits);

    /// <summary>One bit per irq with an irq_info (<see cref="Infos"/> is written only through <see cref="SetInfo"/>).</summary>
    private readonly ulong[] _infoBits;

    internal void SetInfo(int irq, IrqInfo? info)
    {
        Infos[irq] = info;
        Epoch.Bump();
        if (info is null) _infoBits[irq >> 6] &= ~(1UL << (irq & 63));
        else _infoBits[irq >> 6] |= 1UL << (irq & 63);
    }

    /// <summary>The irq_infos not freed, in irq order; a struct so checks iterate without allocating.</summary>
    public readonly struct LiveInfoEnumerable(IrqInfo?[] infos, ulong[] bits) : IEnumerable<IrqInfo>
    {
        public Enumerator GetEnumerator() => new(infos, bits);
        IEnumerator<IrqInfo> IEnumerable<IrqInfo>.GetEnumerator() => GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public struct Enumerator(IrqInfo?[] infos, ulong[] bits) : IEnumerator<IrqInfo>
        {
            private int _word = -1;
            private ulong _rest;
            public IrqInfo Current { readonly get; private set; } = null!;
            readonly object System.Collections.IEnumerator.Current => Current;

            public bool MoveNext()
            {
                while (true)
                {
                    while (_rest == 0)
                    {
                        if (++_word >= bits.Length) return false;
                        _rest = bits[_word];
                    }
                    int irq = (_word << 6) + System.Numerics.BitOperations.TrailingZeroCount(_rest);
                    _rest &= _rest - 1;
                    if (infos[irq] is { Freed: false } i) { Current = i; return true; }
                }
            }

            public void Reset() { _word = -1; _rest = 0; }
            public readonly void Dispose() { }
        }
    }

    /// <summary>
    /// The oracle hook for Xen raising a port (pending 0→1): a bound port with a requested
    /// handler now owes a handler run (I-X11).
    /// </summary>
    internal void OnPendingRaised(int port)
    {
        var info = EvtchnToInfo(port);
        if (info is null || info.Freed) return;
        var d = M.Irqs[info.Irq];
        if (d is not null) M.Irq.NoteRaised(d);
        M.Trace?.Effect($"xen: port {port} pending 0->1 (irq {info.Irq})");
    }

    /// <summary>
    /// One round of quiescence work: upcalls on online vCPUs with upcall pending, drivers' EOIs
    /// of ports waiting in EOI_PENDING, due EOI workers; with nothing else to do but queued EOIs,
    /// the clock jumps to the earliest eoi_time. True iff something was done.
    /// </summary>
    public bool DrainOnce()
    {
        bool did = false;
        foreach (int v in Online)
        {
            if (!Hv.UpcallPending[v] || UpcallStart[v] >= 0) continue;
            M.Run($"vcpu{v}:xen_upcall", v, Upcall(v));
            did = true;
        }
        foreach (var info in LiveInfos())
        {
            if ((info.MaskReason & MaskReason.EoiPending) == 0 || info.OnEoiList || !ValidEvtchn(info.Evtchn)) continue;
            var d = M.Irqs[info.Irq];
            if (d is { InProgress: true }) continue;
            M.Run($"xen_irq_lateeoi(irq{info.Irq})", Math.Max(info.Cpu, 0), XenIrqLateeoi(info.Irq, false, new OpResult()));
            did = true;
        }
        for (int v = 0; v < Vcpus; v++)
        {
            if (EoiLists[v].Count == 0 || EoiLists[v][0].EoiTime > Jiffies) continue;
            M.Run($"vcpu{v}:xen_irq_lateeoi_worker", v, LateeoiWorker(v));
            did = true;
        }
        if (!did)
        {
            long next = long.MaxValue;
            foreach (var l in EoiLists) if (l.Count > 0 && l[0].EoiTime < next) next = l[0].EoiTime;
            if (next != long.MaxValue)
            {
                Jiffies = Math.Max(Jiffies, next);
                did = true;
            }
        }
        return did;
    }

    /// <summary>
    /// Makes this guest and its hypervisor equal to <paramref name="o"/> (same configuration): ABI
    /// (recreated if the other runs a different one), ports, maps, irq_infos and per-vCPU state.
    /// An irq_info referenced from an EOI list, an RCU list or a running handler maps to this
    /// guest's object for the same irq when it is that irq's current info, else to a private copy,
    /// so object identity is preserved.
    /// </summary>
    internal void CopyFrom(XenEvents o)
    {
        if (o.Vcpus != Vcpus || o.MaxPorts != MaxPorts || o.Infos.Length != Infos.Length) throw new ArgumentException("Xen configuration differs", nameof(o));
        Epoch.Bump();
        if (Abi.Name != o.Abi.Name) Abi = CreateAbi(o.Abi.Name);
        Abi.CopyFrom(o.Abi);
        Hv.CopyFrom(o.Hv);
        EvtchnToIrq.CopyFrom(o.EvtchnToIrq);
        for (int i = 0; i < Infos.Length; i++)
        {
            var s = o.Infos[i];
            if (s is null) { Infos[i] = null; continue; }
            var d = Infos[i];
            if (d is null || d.Irq != s.Irq) Infos[i] = d = new IrqInfo(s.Irq, Epoch);
            d.CopyFrom(s);
        }
        Array.Copy(o._infoBits, _infoBits, _infoBits.Length);
        Dictionary<IrqInfo, IrqInfo>? stale = null;
        IrqInfo Map(IrqInfo s)
        {
            if (s.Irq >= 0 && s.Irq < Infos.Length && ReferenceEquals(o.Infos[s.Irq], s)) return Infos[s.Irq]!;
            stale ??= new Dictionary<IrqInfo, IrqInfo>(ReferenceEqualityComparer.Instance);
            if (!stale.TryGetValue(s, out var copy))
            {
                copy = new IrqInfo(s.Irq, Epoch);
                copy.CopyFrom(s);
                stale[s] = copy;
            }
            return copy;
        }
        for (int c = 0; c < Vcpus; c++)
        {
            VirqToIrq[c].CopyFrom(o.VirqToIrq[c]);
            IpiToIrq[c].CopyFrom(o.IpiToIrq[c]);
            IpiToEvtchn[c].CopyFrom(o.IpiToEvtchn[c]);
            EoiLists[c].Clear();
            foreach (var i in o.EoiLists[c]) EoiLists[c].Add(Map(i));
            HeldInfo[c] = o.HeldInfo[c] is { } h ? Map(h) : null;
        }
        ChannelsOnCpu.CopyFrom(o.ChannelsOnCpu);
        UpcallStart.CopyFrom(o.UpcallStart);
        RcuPending.Clear();
        foreach (var i in o.RcuPending) RcuPending.Add(Map(i));
        RcuClock = o.RcuClock;
        IrqEpoch.CopyFrom(o.IrqEpoch);
        GoingOffline.CopyFrom(o.GoingOffline);
        Online = o.Online;
        Jiffies = o.Jiffies;
        HotplugWriter = o.HotplugWriter;
        HotplugReaders = o.HotplugReaders;
    }

    public void Hash(ref StateHasher h)
    {
        h.Add(Abi.Name);
        Hv.Hash(ref h);
        Abi.Hash(ref h);
        EvtchnToIrq.Hash(ref h);
        foreach (var i in Infos) if (i is not null) i.Hash(ref h);
        for (int c = 0; c < Vcpus; c++)
        {
            h.AddSparse(VirqToIrq[c].AsSpan(), -1);
            h.AddSparse(IpiToIrq[c].AsSpan(), -1);
            h.AddSparse(IpiToEvtchn[c].AsSpan(), 0);
            h.Add(ChannelsOnCpu[c]);
            h.Add(UpcallStart[c] >= 0);
            h.Add(GoingOffline[c]);
            h.Add(HeldInfo[c]?.Irq ?? -1);
            h.Add(EoiLists[c].Count);
            foreach (var i in EoiLists[c]) h.Add(i.Irq);
        }
        h.Add(Online.Bits);
        h.Add(Jiffies);
        h.Add(RcuPending.Count);
        h.Add(HotplugWriter);
        h.Add(HotplugReaders);
    }

    public void Dump(TextWriter w)
    {
        w.WriteLine($"xen: abi={Abi.Name} vcpus={Vcpus} online={Online} jiffies={Jiffies}");
        Hv.Dump(w);
        Abi.Dump(w);
        foreach (var (port, irq) in EvtchnToIrq.Mappings()) w.WriteLine($"  evtchn_to_irq[{port}] = {irq}");
        foreach (var i in Infos) if (i is not null) w.WriteLine($"  {i}");
        for (int c = 0; c < Vcpus; c++)
            w.WriteLine($"  vcpu{c}: channels_on_cpu={ChannelsOnCpu[c]} eoi_list={EoiLists[c].Count}{(UpcallStart[c] >= 0 ? " in-upcall" : "")}");
    }
}
