using IrqVerify.Model.Core;
using IrqVerify.Model.Irq;
using IrqVerify.Model.Matrix;
using IrqVerify.Model.Pci;
using IrqVerify.Model.Vector;
using IrqVerify.Model.Xen;

namespace IrqVerify.Model;

/// <summary>
/// The whole modelled system: the x86 vector matrix and domain, the generic irq layer, PCI devices
/// with MSI/MSI-X behind optional interrupt remapping, and an optional Xen guest. No OS threads,
/// locks, clocks or hidden randomness: threads are <see cref="ModelThread"/>s stepped by a caller,
/// and every nondeterministic choice goes through <see cref="Decisions"/>.
/// Reset = construct a new Machine from the same configuration (cheap; see the bench).
/// </summary>
public sealed class Machine
{
    public Machine(MachineConfig config, Variants? variants = null, IDecisionSource? decisions = null, ITraceSink? trace = null)
    {
        Config = config;
        Variants = variants ?? new Variants();
        foreach (string v in config.Variants) Variants.TryEnable(v);
        Decisions = decisions ?? FirstChoice.Instance;
        Trace = trace;
        Matrix = new IrqMatrix(config.Cpus, Bitmap256.Bits, config.VectorStart, config.VectorEnd, Diagnostics, Variants);
        Matrix.Trace = trace;
        Irqs = new IrqDescTable(config.NrIrqs, config.FirstDynamicIrq);
        Irq = new IrqCore(this);
        Vector = new VectorDomain(this);
        Pci = new PciBus(this);
        Xen = config.Xen is null ? null : new XenEvents(this);
        Vector.Boot();
        Pci.Boot();
        Xen?.Boot();
        trace?.Step("boot", "booted");
    }

    public MachineConfig Config { get; }
    public Variants Variants { get; }
    /// <summary>The design booted (Linux unless a design was chosen).</summary>
    public Designs.Design Design => Variants.Design;
    public IDecisionSource Decisions { get; set; }
    public ITraceSink? Trace { get; }
    public DiagnosticLog Diagnostics { get; } = new();
    public LockTable Locks { get; } = new();

    /// <summary>The thread whose step is running (null for direct sequential calls).</summary>
    public ModelThread? CurrentThread { get; set; }
    public int CurrentThreadId => CurrentThread?.Id ?? 0;
    /// <summary>The CPU the running step executes on (-1 when unknown / environment).</summary>
    public int CurrentCpu => CurrentThread?.Cpu ?? -1;

    public IrqMatrix Matrix { get; }
    public IrqDescTable Irqs { get; }
    public IrqCore Irq { get; }
    public VectorDomain Vector { get; }
    public PciBus Pci { get; }
    public XenEvents? Xen { get; }

    public void Warn(string rule, string message) => Diagnostics.Add(Severity.Warn, rule, message);
    public void Fatal(string rule, string message) => Diagnostics.Add(Severity.Fatal, rule, message);
    public void Misuse(string rule, string message) => Diagnostics.Add(Severity.Misuse, rule, message);
    public void Info(string rule, string message) => Diagnostics.Add(Severity.Info, rule, message);

    /// <summary>Takes a lock held across scheduling points. Requires it free (the step's Needs
    /// guaranteed that); reports a fatal model error otherwise.</summary>
    public void Acquire(LockRef l)
    {
        if (!Locks.TryAcquire(l, CurrentThreadId))
            Fatal("model.lock", $"{l} acquired while held by thread {Locks.OwnerOf(l)}");
    }

    public void Release(LockRef l)
    {
        if (!Locks.Release(l, CurrentThreadId))
            Fatal("model.lock", $"{l} released by thread {CurrentThreadId} which does not hold it");
    }

    public int Choose(string label, int count) => Decisions.Choose(label, count);

    /// <summary>Called after every atomic step of every thread (engines check safety invariants here).</summary>
    public Action<ModelThread>? AfterStep { get; set; }

    /// <summary>
    /// Runs the machine to quiescence: delivers pending interrupts and events, runs cleanup timers,
    /// EOI workers and late EOIs, until a round does nothing. Returns false (and reports a liveness
    /// failure "model.drain") if that takes more than <paramref name="maxRounds"/> rounds.
    /// </summary>
    public bool Drain(int maxRounds = 10_000)
    {
        for (int round = 0; round < maxRounds; round++)
        {
            bool progress = Vector.DrainOnce();
            progress |= Pci.DrainOnce();
            if (Xen is not null) progress |= Xen.DrainOnce();
            if (!progress) return true;
        }
        Fatal("model.drain", $"no quiescence after {maxRounds} drain rounds (livelock)");
        return false;
    }

    private int _nextSequentialId = 1_000_000;

    /// <summary>
    /// Runs one operation to completion as a sequential caller on <paramref name="cpu"/>. If it
    /// blocks (a lock nobody will release, a wait that cannot end) the run stops with a fatal
    /// "model.deadlock" diagnostic instead of hanging.
    /// </summary>
    public void Run(string name, int cpu, IEnumerable<Sched> body)
    {
        var t = new ModelThread(_nextSequentialId++, name, cpu, body);
        while (!t.Done)
        {
            if (!t.IsEnabled(Locks))
            {
                Fatal("model.deadlock", $"{name} blocked at {t.Pending} with no other thread to run");
                return;
            }
            t.Step(this);
        }
    }

    // ------------------------------------------------------------------ snapshot / restore

    /// <summary>
    /// A deep copy of the whole model state (see <see cref="MachineSnapshot"/>). Take it between
    /// operations: a <see cref="ModelThread"/> in the middle of an operation keeps references that
    /// no snapshot can capture.
    /// </summary>
    public MachineSnapshot Snapshot()
    {
        var s = new MachineSnapshot(new Machine(Config, Variants));
        s.State.CopyStateFrom(this);
        return s;
    }

    /// <summary>Overwrites an existing snapshot of this machine's configuration (no allocation in the steady state).</summary>
    public void Snapshot(MachineSnapshot into)
    {
        CheckCompatible(into.State);
        into.State.CopyStateFrom(this);
    }

    /// <summary>
    /// Restores this machine in place to the state captured in <paramref name="s"/>, which must come
    /// from a machine with the same configuration and variants (this one or another). The decision
    /// source, trace sink, AfterStep hook and diagnostics sink stay as they are currently set.
    /// Afterwards <see cref="StateHash"/>, <see cref="DumpText"/>, the diagnostics and every later
    /// operation are exactly those of the snapshotted machine.
    /// </summary>
    public void Restore(MachineSnapshot s)
    {
        CheckCompatible(s.State);
        CopyStateFrom(s.State);
    }

    private void CheckCompatible(Machine o)
    {
        if (!ReferenceEquals(o.Config, Config) && !SameShape(o.Config, Config))
            throw new ArgumentException($"snapshot of machine '{o.Config.Name}' does not fit machine '{Config.Name}'");
        if (!o.Variants.SameAs(Variants))
            throw new ArgumentException($"snapshot taken with variants {o.Variants}, this machine runs {Variants}");
    }

    private static bool SameShape(MachineConfig a, MachineConfig b) =>
        a.ToJson() == b.ToJson();

    /// <summary>Every piece of state, subsystem by subsystem, from <paramref name="o"/> (same shape).</summary>
    private void CopyStateFrom(Machine o)
    {
        Matrix.CopyFrom(o.Matrix);
        Irqs.CopyFrom(o.Irqs, this, o);
        Irq.FailNextRequest = o.Irq.FailNextRequest;
        Vector.CopyFrom(o.Vector);
        Pci.CopyFrom(o.Pci);
        if (Xen is not null && o.Xen is not null) Xen.CopyFrom(o.Xen);
        Locks.CopyFrom(o.Locks);
        Diagnostics.CopyFrom(o.Diagnostics);
        _nextSequentialId = o._nextSequentialId;
    }

    /// <summary>The chip object of this machine that plays the role <paramref name="chip"/> plays in <paramref name="from"/>.</summary>
    internal IIrqChip? MapChip(IIrqChip? chip, Machine from)
    {
        if (chip is null || ReferenceEquals(from, this)) return chip;
        if (ReferenceEquals(chip, from.Vector.Chip)) return Vector.Chip;
        if (ReferenceEquals(chip, from.Pci.MsiChip)) return Pci.MsiChip;
        if (ReferenceEquals(chip, from.Pci.RemappedChip)) return Pci.RemappedChip;
        if (from.Xen is { } fx && Xen is { } x)
        {
            if (ReferenceEquals(chip, fx.DynamicChip)) return x.DynamicChip;
            if (ReferenceEquals(chip, fx.LateEoiChip)) return x.LateEoiChip;
            if (ReferenceEquals(chip, fx.PercpuChip)) return x.PercpuChip;
        }
        return chip; // a chip that belongs to no machine (a test double): shared
    }

    /// <summary>The change epoch of one part of the machine (<see cref="Invariants.StateScope"/>, one
    /// flag): equal values from the same machine mean the part did not change in between.</summary>
    internal long EpochOf(Invariants.StateScope part) => part switch
    {
        Invariants.StateScope.Matrix => Matrix.Epoch,
        Invariants.StateScope.Vector => Vector.Epoch.Value,
        Invariants.StateScope.Irqs => Irqs.Epoch.Value,
        Invariants.StateScope.Pci => Pci.Epoch.Value,
        Invariants.StateScope.Xen => Xen?.Epoch.Value ?? 0,
        Invariants.StateScope.Locks => Locks.Epoch,
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, "no change epoch"),
    };

    /// <summary>The parts of the state hash, in hashing order (each has a change epoch).</summary>
    internal static readonly Invariants.StateScope[] HashParts =
    [
        Invariants.StateScope.Matrix, Invariants.StateScope.Vector, Invariants.StateScope.Irqs,
        Invariants.StateScope.Pci, Invariants.StateScope.Xen, Invariants.StateScope.Locks,
    ];

    /// <summary>Canonical hash of the whole model state (engines' state caching): the hash of the
    /// parts' hashes (<see cref="PartHash"/>), so a cache can recompute only the parts whose epoch
    /// moved (<see cref="IncrementalStateHash"/>) and give the same value.</summary>
    public ulong StateHash()
    {
        Span<ulong> parts = stackalloc ulong[HashParts.Length];
        for (int i = 0; i < parts.Length; i++) parts[i] = PartHash(HashParts[i]);
        return CombineParts(parts);
    }

    /// <summary>Canonical hash of one part's state (a machine without Xen hashes an empty Xen part).</summary>
    internal ulong PartHash(Invariants.StateScope part)
    {
        var h = new StateHasher();
        switch (part)
        {
            case Invariants.StateScope.Matrix: Matrix.Hash(ref h); break;
            case Invariants.StateScope.Vector: Vector.Hash(ref h); break;
            case Invariants.StateScope.Irqs: Irqs.Hash(ref h); break;
            case Invariants.StateScope.Pci: Pci.Hash(ref h); break;
            case Invariants.StateScope.Xen: Xen?.Hash(ref h); break;
            case Invariants.StateScope.Locks: Locks.Hash(ref h); break;
            default: throw new ArgumentOutOfRangeException(nameof(part), part, "not a hash part");
        }
        return h.Value;
    }

    internal static ulong CombineParts(ReadOnlySpan<ulong> parts)
    {
        var h = new StateHasher();
        foreach (ulong p in parts) h.Add(p);
        return h.Value;
    }

    /// <summary>A debugfs-style dump of every subsystem.</summary>
    public void Dump(TextWriter w)
    {
        Matrix.Dump(w);
        Irqs.Dump(w);
        Vector.Dump(w);
        Pci.Dump(w);
        Xen?.Dump(w);
    }

    public string DumpText() { var sw = new StringWriter(); Dump(sw); return sw.ToString(); }
}
