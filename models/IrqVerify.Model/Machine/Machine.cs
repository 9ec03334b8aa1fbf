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
    }

    public MachineConfig Config { get; }
    public Variants Variants { get; }
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

    /// <summary>Canonical hash of the whole model state (engines' state caching).</summary>
    public ulong StateHash()
    {
        var h = new StateHasher();
        Matrix.Hash(ref h);
        Vector.Hash(ref h);
        Irqs.Hash(ref h);
        Pci.Hash(ref h);
        Xen?.Hash(ref h);
        Locks.Hash(ref h);
        return h.Value;
    }

    /// <summary>A debugfs-style dump of every subsystem.</summary>
    public void Dump(TextWriter w)
    {
        Matrix.Dump(w);
        Vector.Dump(w);
        Pci.Dump(w);
        Xen?.Dump(w);
    }

    public string DumpText() { var sw = new StringWriter(); Dump(sw); return sw.ToString(); }
}
