using System.Text.RegularExpressions;
using IrqVerify.Model.Core;
using IrqVerify.Model.Program;

namespace IrqVerify.Testing;

/// <summary>
/// What a caller's contract violation put outside the contract. A misuse the model reports under
/// an invariant id (I-P15 "irq 24 still has a handler; descriptor leaked", I-X5, ...) is one the
/// kernel carries out anyway, so later state about the objects it names (irqs, the device) is the
/// program's doing: e.g. the leaked MSI irq started again writes the vector that now belongs to the
/// device's next irq (I-V8). A misuse reported under a function name (free_irq, pci_msi_unmask_irq,
/// ...) was refused and changed nothing, so it taints nothing.
/// </summary>
public sealed partial class MisuseTaint
{
    private readonly List<(int Line, HashSet<string> Names)> _marks = new();

    public static MisuseTaint Of(RunReport report)
    {
        var t = new MisuseTaint();
        foreach (var op in report.Ops)
            foreach (var d in op.Diagnostics)
            {
                if (d.Severity != Severity.Misuse || !d.Rule.StartsWith("I-", StringComparison.Ordinal)) continue;
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (Match x in IrqName().Matches(d.Message)) names.Add("irq " + x.Groups[1].Value);
                var dev = DeviceArg().Match(d.Message);
                if (dev.Success) names.Add(dev.Groups[1].Value);
                if (names.Count > 0) t._marks.Add((op.Line, names));
            }
        return t;
    }

    /// <summary>True when <paramref name="v"/> was seen at or after a misuse and names one of its objects.</summary>
    public bool Explains(FoundViolation v)
    {
        foreach (var (line, names) in _marks)
        {
            if (v.Line < line && v.Line != 0) continue;
            foreach (var n in names)
                if (Regex.IsMatch(v.Violation.Message, @"(?<![\w])" + Regex.Escape(n) + @"(?![\w])")) return true;
        }
        return false;
    }

    [GeneratedRegex(@"\birq (\d+)\b")]
    private static partial Regex IrqName();

    /// <summary>The device of "caller(dev...": pci_disable_msi(dev0): ...</summary>
    [GeneratedRegex(@"^\w+\((\w+)[,)]")]
    private static partial Regex DeviceArg();
}
