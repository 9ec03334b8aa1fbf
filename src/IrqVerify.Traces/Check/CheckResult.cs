namespace IrqVerify.Traces.Check;

/// <summary>What a trace check compared, what it could not, and the first divergence if any.</summary>
public sealed class CheckResult
{
    public required string Path { get; init; }
    public string? Kernel { get; init; }
    public int Cpus { get; init; }
    public int MatrixEvents { get; set; }
    public int VectorEvents { get; set; }
    public int Ignored { get; set; }
    /// <summary>Matrix events replayed into the model.</summary>
    public int Replayed { get; set; }
    /// <summary>Single counter comparisons (model vs kernel) made.</summary>
    public int CounterComparisons { get; set; }
    public int VectorChoicesChecked { get; set; }
    public int VectorChoicesLearned { get; set; }
    public int CpuChoicesChecked { get; set; }
    public int CpuChoicesUnchecked { get; set; }
    /// <summary>Vector events checked against the matrix events around them and against the irq's vector state.</summary>
    public int VectorEventChecks { get; set; }
    public int InvariantRuns { get; set; }
    public List<string> InvariantsChecked { get; } = new();
    public List<string> Reconstruction { get; } = new();
    public List<string> NotChecked { get; } = new();
    public Divergence? Divergence { get; set; }

    public bool Agrees => Divergence == null;

    public void Print(TextWriter w)
    {
        w.WriteLine($"trace {Path}: kernel {Kernel ?? "unknown"}, {Cpus} CPUs, {MatrixEvents} matrix events, {VectorEvents} vector events, {Ignored} other lines skipped");
        foreach (var r in Reconstruction) w.WriteLine("  reconstructed: " + r);
        w.WriteLine($"  checked: {Replayed} matrix events replayed, {CounterComparisons} counter comparisons, " +
                    $"{VectorChoicesChecked} vector choices, {CpuChoicesChecked} CPU choices, {VectorEventChecks} vector-event checks, " +
                    $"{InvariantRuns} invariant runs ({string.Join(" ", InvariantsChecked)})");
        var not = new List<string>(NotChecked);
        if (VectorChoicesLearned > 0) not.Insert(0, $"{VectorChoicesLearned} vector choices learned, not checked (slots below them not yet observed)");
        if (CpuChoicesUnchecked > 0) not.Insert(0, $"{CpuChoicesUnchecked} CPU choices not checked (affinity of the irq or counters of a CPU in it unknown)");
        foreach (var n in not) w.WriteLine("  not checked: " + n);
        if (Divergence is { } d)
        {
            w.WriteLine($"DIVERGENCE at {Path}:{d.Line}: {d.What}");
            w.WriteLine($"  trace:  {d.Text.Trim()}");
            w.WriteLine($"  kernel: {d.Expected}");
            w.WriteLine($"  model:  {d.Actual}");
            w.WriteLine($"replay: irqverify trace check {Path}");
        }
        else w.WriteLine("agrees: the model matches the kernel on every checked value");
    }
}
