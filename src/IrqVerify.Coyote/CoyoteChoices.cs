using IrqVerify.Explorer.Strategies;
using Microsoft.Coyote.Random;

namespace IrqVerify.Coyote;

/// <summary>
/// Answers the model's choices (<c>m.Choose</c>) with Coyote's controlled nondeterminism, so they are
/// part of Coyote's schedule and of its reproducible trace. Thread picks never come here: under the
/// Coyote engine each scenario thread is a Coyote operation and Coyote's scheduler decides which
/// one runs (<see cref="ScheduleRunner"/>'s external-driver API).
/// </summary>
internal sealed class CoyoteChoices : IStrategy
{
    private Generator? _gen;

    public string Name => "coyote";

    /// <summary>Binds to the runtime of the current iteration (a Generator captures it at creation).</summary>
    public void Attach(Generator gen) => _gen = gen;

    public bool NextIteration() => true;

    /// <summary>Not used by external drivers; the non-preemptive default keeps the contract total.</summary>
    public int PickThread(ISchedulerView view, ReadOnlySpan<int> enabled) => DefaultPick.Of(view, enabled);

    public int PickChoice(ISchedulerView view, string label, int count) =>
        _gen is null ? 0 : _gen.NextInteger(count);

    public void EndIteration(int steps) { }
}
