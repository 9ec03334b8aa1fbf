namespace IrqVerify.Model.Core;

/// <summary>
/// A resumable thread of the model: one operation (or environment actor) running on a CPU,
/// as an iterator over the machine. <see cref="Step"/> runs exactly one atomic step: from the
/// pending scheduling point to the next. The model never creates OS threads; the sequential
/// runner and the explorer decide which thread steps next.
/// </summary>
public sealed class ModelThread
{
    private readonly IEnumerator<Sched> _body;

    public ModelThread(int id, string name, int cpu, IEnumerable<Sched> body)
    {
        Id = id;
        Name = name;
        Cpu = cpu;
        _body = body.GetEnumerator();
        Pending = Sched.At("start");
    }

    /// <summary>Stable id within one run; also the owner id in the lock table.</summary>
    public int Id { get; }
    /// <summary>Human name used in traces and decision logs, e.g. "cpu1:request_irq(irq0)".</summary>
    public string Name { get; }
    /// <summary>The CPU (or vCPU) this thread runs on; -1 for environment actors (devices, Xen).</summary>
    public int Cpu { get; }
    /// <summary>The scheduling point the thread is stopped at; the next step starts here.</summary>
    public Sched Pending { get; private set; }
    public bool Done { get; private set; }
    public int StepsTaken { get; private set; }

    /// <summary>May this thread take its next step now (not done, not a CPU parked by another
    /// thread's stop_machine, lock free, wait condition true)?</summary>
    public bool IsEnabled(LockTable locks) =>
        !Done && (Cpu < 0 || locks.StopperAllows(Id)) && locks.IsFree(Pending.Needs) && (Pending.Until is null || Pending.Until());

    /// <summary>
    /// Runs one atomic step. Requires <see cref="IsEnabled"/>. Returns the point reached.
    /// </summary>
    public Sched Step(Machine m)
    {
        var prev = m.CurrentThread;
        m.CurrentThread = this;
        try
        {
            bool more = _body.MoveNext();
            StepsTaken++;
            if (more) Pending = _body.Current;
            else
            {
                Done = true;
                Pending = Sched.At("done");
            }
            m.Trace?.Step(Name, Pending.Point);
            m.AfterStep?.Invoke(this);
            return Pending;
        }
        finally
        {
            m.CurrentThread = prev;
        }
    }

    public override string ToString() => $"{Name} @ {Pending}";
}
