using IrqVerify.Model.Designs;

namespace IrqVerify.Model;

/// <summary>
/// Re-injected known bugs (K1..K15) and the design the machine boots with. Every flag is off by
/// default and the design is Linux: the default model is modern (v6.x) Linux. Each flag is read at
/// exactly one place in the model.
/// </summary>
public sealed class Variants
{
    /// <summary>The design the machine boots with (Linux by default); variants re-inject bugs into it.</summary>
    public Design Design { get; set; } = Design.Linux;

    private readonly bool[] _k = new bool[16];

    /// <summary>Known bug Kn (1..15) re-injected.</summary>
    public bool this[int n]
    {
        get => n is >= 1 and <= 15 && _k[n];
        set { if (n is < 1 or > 15) throw new ArgumentOutOfRangeException(nameof(n)); _k[n] = value; }
    }

    public bool K1 => _k[1];
    public bool K2 => _k[2];
    public bool K3 => _k[3];
    public bool K4 => _k[4];
    public bool K5 => _k[5];
    public bool K6 => _k[6];
    public bool K7 => _k[7];
    public bool K8 => _k[8];
    public bool K9 => _k[9];
    public bool K10 => _k[10];
    public bool K11 => _k[11];
    public bool K12 => _k[12];
    public bool K13 => _k[13];
    public bool K14 => _k[14];
    public bool K15 => _k[15];

    /// <summary>Every accepted variant name.</summary>
    public static IEnumerable<string> Names =>
        Enumerable.Range(1, 15).Select(i => "K" + i);

    /// <summary>
    /// The known finding under which Linux today shows the bug again, or null. K4 (no careful MSI
    /// update) and K15 (its flag never set): since b56ebe7c896d msi_set_affinity tests
    /// !irqd_can_reserve, so a non-maskable MSI is written directly on the reference model too (F6);
    /// re-injecting them changes nothing that matters.
    /// </summary>
    public static Verdict.KnownFinding? PresentUpstream(string name) =>
        name.Trim().ToUpperInvariant() is "K4" or "K15" ? Verdict.KnownFindings.F6 : null;

    /// <summary>Turns on a variant by name ("K10", "k10"). False if unknown.</summary>
    public bool TryEnable(string name)
    {
        string n = name.Trim();
        if (n.Length >= 2 && (n[0] == 'K' || n[0] == 'k') && int.TryParse(n[1..], out int k) && k is >= 1 and <= 15)
        {
            _k[k] = true;
            return true;
        }
        return false;
    }

    /// <summary>The same flags as <paramref name="o"/>.</summary>
    public bool SameAs(Variants o) => Design.Name == o.Design.Name && _k.AsSpan().SequenceEqual(o._k);

    public IEnumerable<string> Enabled()
    {
        for (int i = 1; i <= 15; i++) if (_k[i]) yield return "K" + i;
    }

    public override string ToString()
    {
        var e = Enabled().ToList();
        if (!Design.IsLinux) e.Insert(0, "design " + Design.Name);
        return e.Count == 0 ? "reference" : string.Join(",", e);
    }
}
