namespace IrqVerify.Model.Designs;

/// <summary>
/// A design of the interrupt subsystem: the model's decision points, each behind a small interface,
/// with Linux behind every one by default. A design overrides some of them; the machine is booted
/// with one (<see cref="Variants.Design"/>). Designs are loaded from their own assemblies: a public
/// non-abstract subclass with a parameterless constructor.
/// </summary>
public class Design
{
    /// <summary>The reference: what Linux does at every decision point.</summary>
    public static readonly Design Linux = new();

    /// <summary>A short lower-case name (`--design NAME`); unique among the loaded designs.</summary>
    public virtual string Name => "linux";

    /// <summary>One line: what the design changes and why.</summary>
    public virtual string Summary => "the reference model: Linux (6.18) at every decision point";

    /// <summary>The design debate the design belongs to ("seed 001"), or null.</summary>
    public virtual string? Debate => null;

    /// <summary>The design the comparison runs against by default (null: Linux).</summary>
    public virtual string? Against => null;

    /// <summary>Vector and CPU choice for a non-managed irq (irq_matrix_alloc).</summary>
    public virtual IVectorAssigner VectorAssigner => LinuxVectorAssigner.Instance;

    /// <summary>Multi-MSI: whether a device's domain offers it and how its vectors are laid out.</summary>
    public virtual IMultiMsiAllocator MultiMsi => LinuxMultiMsiAllocator.Instance;

    /// <summary>The contract of pci_disable_msix / re-enable towards drivers.</summary>
    public virtual IMsixContract MsixContract => LinuxMsixContract.Instance;

    /// <summary>Linux irq number allocation (irq_alloc_descs).</summary>
    public virtual IIrqNumberAllocator IrqNumbers => LinuxIrqNumberAllocator.Instance;

    /// <summary>The event-channel → irq mapping of bind_evtchn_to_irq.</summary>
    public virtual IEvtchnIrqMapping EvtchnMapping => LinuxEvtchnIrqMapping.Instance;

    public bool IsLinux => Name == Linux.Name;

    /// <summary>The file the design was loaded from (a .dll or .csproj path), null when it ships with the tool.</summary>
    public string? Source { get; set; }

    /// <summary>What <c>--design</c> takes to boot this design again: its file, else its name (null for Linux).</summary>
    public string? Arg => IsLinux ? null : Source ?? Name;

    public override string ToString() => Name;
}
