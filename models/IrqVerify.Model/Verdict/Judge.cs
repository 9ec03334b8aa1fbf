using System.Text.RegularExpressions;
using IrqVerify.Model.Core;

namespace IrqVerify.Model.Verdict;

/// <summary>
/// The one place that decides what a broken invariant means. Every engine (sequential runs,
/// property programs, the explorer, the fuzzer, verify, zoo, regress) hands each new violation to
/// its run's Judge at the moment the check saw it, with the machine in that state, and reports the
/// answer as it is. One Judge per run: <see cref="Reset"/> before the next (F1 follows entries seen
/// earlier in the same run).
/// <para>Caller misuse (the program broke a kernel contract, the kernel WARNs and carries on):
/// a violation under an id the model already reported as misuse in this run; REFINE after any
/// misuse (the abstract specification has no behaviour for a broken contract); and a violation
/// naming an object (irq, device) that a misuse reported under an invariant id left outside the
/// contract — such a misuse is one the kernel carries out (a descriptor leaked with its irq live).
/// A misuse reported under a function name was refused and changed nothing, so it taints nothing.
/// The taint follows the damage: an irq named by a finding already classed as misuse (the leaked
/// irq 24 rewrote the MSI-X entry that now belongs to irq 25) is outside the contract too.</para>
/// <para>Known upstream behaviour: <see cref="KnownFindings"/> F1..F7, recognised from the state
/// and from the INFO lines the model writes where Linux loses the interrupt.</para>
/// </summary>
public sealed partial class Judge
{
    private readonly HashSet<int> _f1Irqs = new();
    private readonly HashSet<string> _f1Entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tainted = new(StringComparer.Ordinal);

    /// <summary>Forgets what this run saw (a new run on a machine booted or restored afresh).</summary>
    public void Reset()
    {
        _f1Irqs.Clear();
        _f1Entries.Clear();
        _tainted.Clear();
    }

    /// <summary>Irqs seen in F1's window in this run.</summary>
    public IReadOnlyCollection<int> F1Irqs => _f1Irqs;

    /// <summary>Classifies <paramref name="v"/>, seen just now on <paramref name="m"/>.</summary>
    public Classification Classify(Machine m, Violation v)
    {
        // A program's own expectation is its author's oracle: nothing excuses it.
        if (v.Id == Program.ExpectationCheck.Id) return Classification.Expectation;
        var known = Known(m, v);
        if ((Misuse(m.Diagnostics.Items, v) ?? Tainted(v)) is { } why)
        {
            foreach (Match x in IrqName().Matches(v.Message)) _tainted.Add(x.Value);
            return Classification.Misuse(why);
        }
        return known is null ? Classification.Violation : Classification.Known(known);
    }

    /// <summary>A violation naming an irq that an earlier misuse finding of this run named.</summary>
    private string? Tainted(Violation v)
    {
        foreach (Match x in IrqName().Matches(v.Message))
            if (_tainted.Contains(x.Value)) return $"{x.Value} was left outside the contract by an earlier misuse finding of this run";
        return null;
    }

    // ---------------------------------------------------------------- caller misuse

    private static string? Misuse(IReadOnlyList<Diagnostic> diags, Violation v)
    {
        foreach (var d in diags)
        {
            if (d.Severity != Severity.Misuse) continue;
            if (d.Rule == v.Id) return $"the program's misuse: {d.Rule}: {d.Message}";
            if (v.Id == "REFINE") return $"after the program's misuse {d.Rule}, the specification defines nothing";
            if (d.Rule.StartsWith("I-", StringComparison.Ordinal) && NamesAnObjectOf(d.Message, v.Message, out string obj))
                return $"{obj} left outside the contract by the program's misuse {d.Rule}";
        }
        return null;
    }

    /// <summary>True when <paramref name="violation"/> names an irq or the device that the misuse
    /// <paramref name="misuse"/> names ("irq 24 still has a handler", "pci_disable_msi(dev0): ...").</summary>
    private static bool NamesAnObjectOf(string misuse, string violation, out string obj)
    {
        foreach (Match x in IrqName().Matches(misuse))
            if (Names(violation, obj = x.Value)) return true;
        var dev = DeviceArg().Match(misuse);
        obj = dev.Success ? dev.Groups[1].Value : "";
        return dev.Success && Names(violation, obj);
    }

    private static bool Names(string text, string name)
    {
        for (int i = text.IndexOf(name, StringComparison.Ordinal); i >= 0; i = text.IndexOf(name, i + 1, StringComparison.Ordinal))
        {
            bool before = i == 0 || !IsWord(text[i - 1]);
            bool after = i + name.Length == text.Length || !IsWord(text[i + name.Length]);
            if (before && after) return true;
        }
        return false;
    }

    private static bool IsWord(char c) => char.IsLetterOrDigit(c) || c == '_';

    // ---------------------------------------------------------------- known upstream findings

    private KnownFinding? Known(Machine m, Violation v)
    {
        switch (v.Id)
        {
            case "I-V1":
                var g = StaleEntry().Match(v.Message);
                if (!g.Success) return null;
                // Seen UNUSED while the irq is not started: F1's window. The same stale (cpu, vector)
                // stays F1 after request_irq, which keeps it (assign_vector_locked: CPU online and in
                // the mask), and when msi_set_affinity of another irq marks that "unused" slot
                // RETRIGGERED on its way through the CPU; a different entry is a fresh violation.
                int irq = int.Parse(g.Groups[2].Value);
                if (g.Groups[3].Value == "UNUSED" && m.Irqs[irq] is { Started: false }) _f1Entries.Add(g.Groups[1].Value);
                if (!_f1Entries.Contains(g.Groups[1].Value)) return null;
                _f1Irqs.Add(irq);
                return KnownFindings.F1;
            case "I-V8" or "I-G2":
                if (IrqOf(v) is not { } lost) return null;
                if (_f1Irqs.Contains(lost)) return KnownFindings.F1;
                return LoggedLoss(m.Diagnostics.Items, lost) ?? StaleStart(m, lost) ?? TornMessage(m.Diagnostics.Items, v, lost)
                    ?? (v.Id == "I-G2" ? DeferredRestartLoss(m.Diagnostics.Items, lost) : null);
            case "I-V11":
                if (IrqOf(v) is not { } na) return null;
                return m.Irqs[na] is { Activated: false } ? KnownFindings.F2 : StaleStart(m, na);
            case "I-V16":
                return IrqOf(v) is { } off ? StaleStart(m, off) : null;
            default:
                return null;
        }
    }

    private static int? IrqOf(Violation v)
    {
        var g = IrqName().Match(v.Message);
        return g.Success && int.TryParse(g.Groups[1].Value, out int irq) ? irq : null;
    }

    /// <summary>F3 / F4: the model logged that this irq's interrupt is lost the upstream way (read from
    /// the machine's log, so it follows Snapshot/Restore).</summary>
    private static KnownFinding? LoggedLoss(IReadOnlyList<Diagnostic> diags, int irq)
    {
        foreach (var d in diags)
        {
            var (g, f) = d.Rule switch
            {
                "irq_force_complete_move" or "clear_irq_vector" => (DroppedPending().Match(d.Message), KnownFindings.F3),
                "pci_msi_domain_write_msg" => (UnwrittenBlockMessage().Match(d.Message), KnownFindings.F4),
                _ => (null, null),
            };
            if (g is { Success: true } && int.Parse(g.Groups[1].Value) == irq) return f;
        }
        return null;
    }

    /// <summary>F5: the model logged that this irq was started aimed at an offline CPU, and it still is.</summary>
    private static KnownFinding? StaleStart(Machine m, int irq)
    {
        var d = m.Irqs[irq];
        if (d is not { Started: true, Chip: { } chip } || d.EffectiveAffinity.IsSubsetOf(chip.OnlineCpus)) return null;
        return Logged(m.Diagnostics.Items, "irq_startup", StaleStartMessage(), irq) ? KnownFindings.F5 : null;
    }

    /// <summary>The model wrote an INFO under <paramref name="rule"/> whose text <paramref name="line"/>
    /// matches with <paramref name="irq"/> as its first group.</summary>
    private static bool Logged(IReadOnlyList<Diagnostic> diags, string rule, Regex line, int irq)
    {
        foreach (var d in diags)
            if (d.Rule == rule && line.Match(d.Message) is { Success: true } g && int.Parse(g.Groups[1].Value) == irq) return true;
        return false;
    }

    /// <summary>The INFO that marks F5, written by irq_startup when the started irq still targets an offline CPU.</summary>
    public static string StaleStartText(int irq, int cpu) =>
        $"irq {irq}: started aimed at offline CPU{cpu}: no online CPU had a free vector and the -ENOSPC is dropped";

    /// <summary>F7: the model logged that an interrupt of this irq went to an offline CPU before its
    /// managed restart moved the vector.</summary>
    private static KnownFinding? DeferredRestartLoss(IReadOnlyList<Diagnostic> diags, int irq) =>
        Logged(diags, "irq_startup_managed", DeferredRestartLine(), irq) ? KnownFindings.F7 : null;

    /// <summary>The INFO that marks F7, written where the interrupt is sent to the offline CPU.</summary>
    public static string DeferredRestartLossText(int irq, int cpu) =>
        $"irq {irq}: interrupt sent to offline CPU{cpu}: the managed irq is not started again yet and nothing moved its vector";

    /// <summary>F6: the model logged that this irq's non-maskable MSI was rewritten in one update; an
    /// I-V8 must name the torn pair that update exposes, a lost interrupt (I-G2) is the irq's.</summary>
    private static KnownFinding? TornMessage(IReadOnlyList<Diagnostic> diags, Violation v, int irq)
    {
        foreach (var d in diags)
        {
            if (d.Rule != "msi_set_affinity" || TornMessageLine().Match(d.Message) is not { Success: true } g) continue;
            if (int.Parse(g.Groups[1].Value) != irq) continue;
            if (v.Id == "I-G2" || v.Message.Contains($"would send {g.Groups[2].Value},", StringComparison.Ordinal)) return KnownFindings.F6;
        }
        return null;
    }

    /// <summary>The INFO that marks F6, written by msi_set_affinity when it writes a non-maskable MSI
    /// directly while destination and vector both change.</summary>
    public static string TornMessageText(int irq, string dev, int newCpu, int oldVector) =>
        $"irq {irq}: non-maskable MSI of {dev} rewritten directly: cpu{newCpu}/0x{oldVector:x2} is live between the address and the data write";

    /// <summary>The INFO that marks F3, written by the vector domain where the IRR content is lost.</summary>
    public static string DroppedPendingText(int irq, string which, int cpu, int vector) =>
        $"irq {irq}: interrupt pending on {which} 0x{vector:x} in CPU{cpu}'s IRR is dropped";

    /// <summary>The INFO that marks F4, written by the MSI chip when the block's first irq goes away.</summary>
    public static string UnwrittenBlockText(int irq, int k, string dev, int first) =>
        $"irq {irq}: multi-MSI vector {k} of {dev} is live but only irq {first}, not activated, writes the block's message";

    [GeneratedRegex(@"^irq (\d+): interrupt pending on (?:old )?vector 0x[0-9a-f]+ in CPU\d+'s IRR is dropped$")]
    private static partial Regex DroppedPending();

    [GeneratedRegex(@"^irq (\d+): multi-MSI vector \d+ of \w+ is live but only irq \d+, not activated, writes the block's message$")]
    private static partial Regex UnwrittenBlockMessage();

    [GeneratedRegex(@"^irq (\d+): interrupt sent to offline CPU\d+: the managed irq is not started again yet")]
    private static partial Regex DeferredRestartLine();

    [GeneratedRegex(@"^irq (\d+): non-maskable MSI of \w+ rewritten directly: (cpu\d+/0x[0-9a-f]+) is live")]
    private static partial Regex TornMessageLine();

    [GeneratedRegex(@"^irq (\d+): started aimed at offline CPU\d+: no online CPU had a free vector")]
    private static partial Regex StaleStartMessage();

    [GeneratedRegex(@"^(irq (\d+): vector_irq\[CPU\d+\]\[0x[0-9a-f]+\]) is (UNUSED|RETRIGGERED)")]
    private static partial Regex StaleEntry();

    [GeneratedRegex(@"\birq (\d+)\b")]
    private static partial Regex IrqName();

    /// <summary>The device of "caller(dev...": pci_disable_msi(dev0): ...</summary>
    [GeneratedRegex(@"^\w+\((\w+)[,)]")]
    private static partial Regex DeviceArg();
}
