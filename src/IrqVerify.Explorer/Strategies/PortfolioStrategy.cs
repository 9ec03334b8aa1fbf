namespace IrqVerify.Explorer.Strategies;

/// <summary>Coyote's default idea: a portfolio of strategies rotated round-robin, one per schedule.</summary>
public sealed class PortfolioStrategy(IReadOnlyList<IStrategy> members) : IStrategy
{
    private int _next = -1;

    public IStrategy Active => members[Math.Max(0, _next)];
    public string Name => "portfolio(" + string.Join("|", members.Select(m => m.Name)) + ")";

    public bool NextIteration()
    {
        _next = (_next + 1) % members.Count;
        return Active.NextIteration();
    }

    public int PickThread(ISchedulerView view, ReadOnlySpan<int> enabled) => Active.PickThread(view, enabled);
    public int PickChoice(ISchedulerView view, string label, int count) => Active.PickChoice(view, label, count);
    public void EndIteration(int steps) => Active.EndIteration(steps);
}
