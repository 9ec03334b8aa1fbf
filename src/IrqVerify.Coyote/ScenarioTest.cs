using IrqVerify.Explorer;
using Microsoft.Coyote.Random;
using Microsoft.Coyote.Runtime;
using Microsoft.Coyote.Specifications;

namespace IrqVerify.Coyote;

/// <summary>
/// The Coyote test body: one iteration runs one schedule of the scenario. Each scenario thread is a
/// Coyote-controlled operation on its own OS thread (public <see cref="Operation"/> API, no
/// rewriting): it waits with <see cref="Operation.PauseUntil"/> while the native explorer's rule says
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
        _outcome = null;
        _choices.Attach(Generator.Create());
        Specification.RegisterMonitor<ProgressMonitor>();
        Iterations++;
        var early = runner.Begin(_choices);
        if (early is null)
        {
            int n = runner.Scenario.Threads.Count;
            var ids = new ulong[n];
            var threads = new Thread[n];
            for (int i = 0; i < n; i++)
            {
                ids[i] = Operation.CreateNext() ?? throw new InvalidOperationException("no Coyote runtime is attached (run under TestingEngine)");
                int index = i;
                threads[i] = new Thread(state => Body((ulong)state!, index)) { IsBackground = true, Name = runner.Scenario.Threads[i].Name };
                Operation.Start(ids[i]);
                threads[i].Start(ids[i]);
            }
            Operation.ScheduleNext();
            foreach (var id in ids) Operation.PauseUntilCompleted(id);
            foreach (var t in threads) t.Join();
            if (_crash is not null) throw new InvalidOperationException("the model threw during a Coyote schedule", _crash);
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
            // Coyote detached (its own bound was reached): the iteration is over.
            _stopped = true;
            return;
        }
        catch (Exception e)
        {
            _crash ??= e;
            _stopped = true;
        }
        Operation.OnCompleted();
        Operation.ScheduleNext();
    }

    private void Stop(Outcome end)
    {
        _outcome = end;
        _stopped = true;
    }
}
