using IrqVerify.Model;
using IrqVerify.Model.Core;
using IrqVerify.Model.Invariants;
using IrqVerify.Model.Matrix;
using IrqVerify.Model.Program;

namespace IrqVerify.Benchmarks;

/// <summary>
/// The model's hot operations, each as a setup plus one repeatable iteration that returns the
/// machine to an equivalent state (so millions of iterations measure the same work). Shared by
/// the BenchmarkDotNet classes and the quick Stopwatch mode.
/// </summary>
public sealed class Scenarios
{
    private static readonly MachineConfig Cfg = MachineConfig.Default();
    private readonly List<Violation> _scratch = new();
    private readonly InvariantCheck[] _safety = InvariantCatalog.All.Where(c => c.Kind == InvariantKind.Safety).ToArray();
    private readonly OpResult _r = new();

    // ---- matrix alloc/free on a bare matrix (4 CPUs online)
    private IrqMatrix _matrix = null!;

    // ---- machines prepared per scenario
    private Machine _vector = null!;
    private int _vectorIrq;
    private int _vectorCpu;
    private Machine _msix = null!;
    private Machine _xen = null!;
    private int _xenPort;
    private Machine _idle = null!;
    private Machine _busy = null!;
    private IrqProgram _program17 = null!;
    private Machine _scratchMachine = null!;
    private MachineSnapshot _bootSnap = null!;
    private MachineSnapshot _busySnap = null!;
    private MachineSnapshot _into = null!;

    public Machine Idle => _idle;
    public Machine Busy => _busy;

    public static string ExamplesDir => Path.Combine(AppContext.BaseDirectory, "examples");

    public void Setup()
    {
        _matrix = new IrqMatrix(4, Bitmap256.Bits, 0x20, 0xeb, new DiagnosticLog());
        for (int c = 0; c < 4; c++) _matrix.Online(c);

        _vector = new Machine(Cfg);
        _vectorIrq = (int)Op(_vector, "vector_alloc", (long)CpuMask.FirstN(4).Bits, 0);
        Op(_vector, "request_irq", _vectorIrq);
        _vectorCpu = _vector.Vector.Apic(_vectorIrq)!.Cpu;

        _msix = new Machine(Cfg);

        _xen = new Machine(Cfg);
        _xenPort = (int)Op(_xen, "evtchn_alloc_unbound");
        int xirq = (int)Op(_xen, "bind_evtchn_to_irq", _xenPort);
        Op(_xen, "request_irq", xirq);

        _idle = new Machine(Cfg);
        _program17 = ProgramParser.Parse(File.ReadAllText(Path.Combine(ExamplesDir, "msix-request-fails-unwind.irq")), "msix-request-fails-unwind.irq", Cfg);
        _busy = new Machine(Cfg);
        ProgramRunner.Run(_busy, ProgramParser.Parse(MixedProgram, "mixed", Cfg), new RunOptions { CheckEveryStep = false, CheckRefinement = false, Drain = false, Checks = [] });
        _scratchMachine = new Machine(Cfg);
        _bootSnap = _scratchMachine.Snapshot();
        _busySnap = _busy.Snapshot();
        _into = _busy.Snapshot();
    }

    /// <summary>A program that leaves every subsystem busy (for the invariant round on a live machine).</summary>
    public const string MixedProgram = """
        n = pci_alloc_irq_vectors(dev1, 4, 4, msix)
        i0 = pci_irq_vector(dev1, 0)
        request_irq(i0)
        m = pci_alloc_irq_vectors(dev0, 4, 4, msi)
        j0 = pci_irq_vector(dev0, 0)
        request_irq(j0)
        v = vector_alloc({0-3}, none)
        request_irq(v)
        irq_set_affinity(v, {2})
        p = evtchn_alloc_unbound()
        x = bind_evtchn_to_irq(p)
        request_irq(x)
        xen_send(p)
        """;

    /// <summary>Runs one operation of the program vocabulary to completion; returns its value (or -1).</summary>
    public long Op(Machine m, string name, params long[] args)
    {
        var spec = OpCatalog.Default[name];
        _r.Reset();
        int cpu = spec.CpuParam >= 0 ? (int)args[spec.CpuParam] : spec.IsEnvironment ? -1 : 0;
        m.Run(name, cpu, spec.Body(m, new OpArgs(args), _r));
        return _r.Ok ? _r.Value : -1;
    }

    private static void Settle(Machine m)
    {
        if (m.Diagnostics.Count > 1000) m.Diagnostics.Clear();
    }

    // ------------------------------------------------------------------ scenarios

    public void MatrixAllocFree()
    {
        _matrix.Alloc(CpuMask.FirstN(4), false, out int cpu, out int bit);
        _matrix.Free(cpu, bit, false);
    }

    /// <summary>irq_set_affinity to another CPU, an interrupt on the new target (completes the move
    /// and queues the old vector), the cleanup timer on the old CPU frees it.</summary>
    public void VectorMoveCleanup()
    {
        var m = _vector;
        int from = _vectorCpu, to = (from + 1) & 3;
        m.Run("set_affinity", 0, m.Irq.SetAffinity(_vectorIrq, CpuMask.Of(to), _r));
        m.Vector.Raise(_vectorIrq);
        m.Run("interrupt", to, m.Vector.Interrupt(to, _r));
        m.Run("cleanup", from, m.Vector.CleanupTimer(from, _r));
        _vectorCpu = to;
        Settle(m);
    }

    public void MsixEnableDisable4()
    {
        var m = _msix;
        m.Run("alloc", 0, m.Pci.AllocIrqVectors(1, 4, 4, Model.Pci.PciBus.IrqFlags.Msix, _r));
        m.Run("free", 0, m.Pci.FreeIrqVectors(1, _r));
        Settle(m);
    }

    public void XenSendUpcall()
    {
        var m = _xen;
        m.Xen!.Hv.Send(_xenPort);
        m.Run("upcall", 0, m.Xen.Upcall(0));
        Settle(m);
    }

    public Machine Construct() => new(Cfg);

    /// <summary>Reset to the boot state by restoring a snapshot (the alternative to <see cref="Construct"/>).</summary>
    public void RestoreBoot() => _scratchMachine.Restore(_bootSnap);

    /// <summary>Restore a machine with MSI, MSI-X, vector and Xen irqs live.</summary>
    public void RestoreBusy() => _scratchMachine.Restore(_busySnap);

    /// <summary>Take a snapshot of the busy machine into an existing snapshot object.</summary>
    public void SnapshotInto() => _busy.Snapshot(_into);

    public MachineSnapshot SnapshotNew() => _busy.Snapshot();

    public void InvariantRoundIdle() => Round(_idle);

    public void InvariantRoundBusy() => Round(_busy);

    private void Round(Machine m)
    {
        _scratch.Clear();
        foreach (var c in _safety) c.Check(m, _scratch);
    }

    public RunReport Program17WithChecks() => ProgramRunner.Run(new Machine(Cfg), _program17);

    /// <summary>The engines' loop: reset by Restore, then run the program without checks.</summary>
    public RunReport Program17NoChecksRestore()
    {
        _scratchMachine.Restore(_bootSnap);
        return ProgramRunner.Run(_scratchMachine, _program17, new RunOptions { CheckEveryStep = false, CheckRefinement = false, Checks = [] });
    }

    public RunReport Program17NoChecks() =>
        ProgramRunner.Run(new Machine(Cfg), _program17, new RunOptions { CheckEveryStep = false, CheckRefinement = false, Checks = [] });
}
