namespace IrqVerify.Explorer.Strategies;

/// <summary>Uniform choice among the enabled threads at every point, uniform data choices. Fair.</summary>
public sealed class RandomStrategy(ulong seed) : IStrategy
{
    private Rng _rng = new(seed);

    public string Name => "random";
    public bool NextIteration() => true;
    public int PickThread(ISchedulerView view, ReadOnlySpan<int> enabled) => _rng.Below(enabled.Length);
    public int PickChoice(ISchedulerView view, string label, int count) => _rng.Below(count);
    public void EndIteration(int steps) { }
}
