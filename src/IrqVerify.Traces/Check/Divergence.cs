namespace IrqVerify.Traces.Check;

/// <summary>The first place the model and the kernel disagree: the trace line, what the kernel printed, what the model has.</summary>
public sealed record Divergence(int Line, string Text, string What, string Expected, string Actual)
{
    public override string ToString() => $"line {Line}: {What}: kernel {Expected}, model {Actual}";
}
