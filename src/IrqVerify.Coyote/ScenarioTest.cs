using IrqVerify.Explorer;
using Microsoft.Coyote.Random;
using Microsoft.Coyote.Runtime;
using Microsoft.Coyote.Specifications;

namespace IrqVerify.Coyote;

/// <summary>
/// The Coyote test body: one iteration runs one schedule of the scenario. Each scenario thread is a
/// Coyote-controlled operation (public <see cref="Operation"/> API, no rewriting; the first runs on
/// the root operation, the others on their own OS threads): it waits with <see cref="Operation.PauseUntil"/> while the native explorer's rule says
/// it cannot step (lock held, <c>Sched.When</c> condition false, its CPU busy), takes one atomic step
/// of its <c>ModelThread</c>, and calls <see cref="Operation.ScheduleNext"/> at the named scheduling
/// point it reached. Steps, decisions and checks are the native <see cref="ScheduleRunner"/>'s, so a
/// Coyote schedule is an ordinary IrqVerify schedule. A failure stops every operation cleanly (no
/// thread is left paused), then the root operation reports it: safety with
/// <see cref="Specification.Assert(bool, string)"/>, progress through the <see cref="ProgressMonitor"/>.
/// </summary>
internal sealed class ScenarioTest(ScheduleRunner runner)
{
    private readonly CoyoteChoices _choices = new();
    private volatile bool _stopped;
    private volatile bool _detached;
    private Outcome? _outcome;
    private Exception? _crash;

    /// <summary>Iterations that reached the end (or a failure) so far.</summary>
    public long Iterations { get; private set; }
    /// <summary>The first failure as found, and the 1-based iteration that found it.</summary>
    public Failure? Found { get; private set; }
    public long FoundAt { get; private set; }
    /// <summary>An exception thrown by the model (a bug in the model or the engine, not a finding).</summary>
    public Exception? Crash => _crash;
    /// <summary>Called when the first failure is found (the caller notes the time).</summary>
    public Action? OnFound { get; init; }

    public void Run()
    {
        _stopped = false;
        _detached = false;
        _outcome = null;
        _choices.Attach(Generator.Create());
        Specification.RegisterMonitor<ProgressMonitor>();
        Iterations++;
        var early = runner.Begin(_choices);
        if (early is null)
        {
            // Thread 0 runs on the root operation itself (one OS thread fewer per iteration: creating
            // and joining threads is most of Coyote's cost here); the others get an operation each.
            int n = runner.Scenario.Threads.Count;
            var ids = new ulong[n];
            var threads = new Thread?[n];
            for (int i = 1; i < n; i++)
            {
                ids[i] = Operation.CreateNext() ?? throw new InvalidOperationException("no Coyote runtime is attached (run under TestingEngine)");
                int index = i;
                threads[i] = new Thread(state => Body((ulong)state!, index)) { IsBackground = true, Name = runner.Scenario.Threads[i].Name };
                Operation.Start(ids[i]);
                threads[i]!.Start(ids[i]);
            }
            Operation.ScheduleNext();
            bool detached = !Steps(0);
            for (int i = 1; i < n; i++) Operation.PauseUntilCompleted(ids[i]);
            // After a detach Coyote leaves paused threads blocked (background threads; never joined).
            if (!detached && !_detached) foreach (var t in threads) t?.Join();
            if (_crash is not null) throw new InvalidOperationException("the model threw during a Coyote schedule", _crash);
            if (detached || _detached) return;
            _outcome ??= runner.Finish();
        }
        else _outcome = early;
        if (_outcome == Outcome.Fail && Found is null)
        {
            Found = runner.LastFailure;
            FoundAt = Iterations;
            OnFound?.Invoke();
        }
        var f = _outcome == Outcome.Fail ? runner.LastFailure : null;
        // Progress failures leave the liveness monitor hot: Coyote reports them at the end of the
        // iteration. Every other failure is a safety assertion (the monitor settles first so that
        // Coyote reports the one bug).
        if (f is { Kind: FailureKind.Liveness or FailureKind.Eventual }) return;
        Specification.Monitor<ProgressMonitor>(new ProgressMonitor.Settled());
        Specification.Assert(f is null, "IrqVerify {0}: {1}", f?.Summary ?? "", f is null ? "" : string.Join("; ", f.Messages.Take(3)));
    }

    /// <summary>One scenario thread as one Coyote operation.</summary>
    private void Body(ulong id, int index)
    {
        Operation.OnStarted(id);
        if (!Steps(index)) return;
        Operation.OnCompleted();
        Operation.ScheduleNext();
    }

    /// <summary>The steps of scenario thread <paramref name="index"/> on the current operation; false
    /// when Coyote detached (its own step bound) and the iteration is over.</summary>
    private bool Steps(int index)
    {
        try
        {
            while (!_stopped && !runner.IsDone(index))
            {
                Operation.PauseUntil(() => _stopped || runner.IsRunnable(index));
                if (_stopped) break;
                if (runner.StepThread(index) is { } end) Stop(end);
                if (runner.IsDone(index)) break;
                Operation.ScheduleNext();
            }
        }
        catch (ThreadInterruptedException)
        {
            _detached = true;
            _stopped = true;
            return false;
        }
        catch (Exception e)
        {
            _crash ??= e;
            _stopped = true;
        }
        return true;
    }

    private void Stop(Outcome end)
    {
        _outcome = end;
        _stopped = true;
    }
}
