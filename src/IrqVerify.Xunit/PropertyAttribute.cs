using Xunit;
using Xunit.Sdk;

namespace IrqVerify.Xunit;

/// <summary>
/// An FsCheck property as an xunit 2 test: the method's parameters are generated (arbitraries from
/// FsCheck's defaults and the <see cref="Arbitrary"/> providers), failures are shrunk and reported
/// with the seed and a replay line, output goes to the test's output. Knobs left unset fall back to
/// <see cref="PropertiesAttribute"/> on enclosing classes and the assembly, then to FsCheck's
/// defaults. <see cref="FactAttribute.Timeout"/> (ms) is honoured. Environment:
/// IRQVERIFY_PROPERTY_SCALE multiplies MaxTest; IRQVERIFY_PROPERTY_SEED="seed,gamma[,size]"
/// forces the seed of every property.
/// </summary>
[XunitTestCaseDiscoverer("IrqVerify.Xunit.PropertyDiscoverer", "IrqVerify.Xunit")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public class PropertyAttribute : FactAttribute
{
    /// <summary>Number of generated cases (FsCheck default 100).</summary>
    public int MaxTest { get; set; }
    /// <summary>Rejected cases (Prop.When) tolerated before giving up (FsCheck default 1000).</summary>
    public int MaxRejected { get; set; }
    /// <summary>Size of the first case (FsCheck default 1).</summary>
    public int StartSize { get; set; }
    /// <summary>Size of the last case (FsCheck default 100).</summary>
    public int EndSize { get; set; }
    /// <summary>"seed,gamma" (rerun the whole run) or "seed,gamma,size" (jump to one case).</summary>
    public string? Replay { get; set; }
    /// <summary>Write every generated case and every shrink step to the test output.</summary>
    public bool Verbose { get; set; }
    /// <summary>Write nothing when the property passes.</summary>
    public bool QuietOnSuccess { get; set; }
    /// <summary>Classes of static methods returning Arbitrary&lt;T&gt;; earlier ones win.</summary>
    public Type[]? Arbitrary { get; set; }
    /// <summary>Replay the pinned programs of tests/regressions through this property first
    /// (properties with one Scenario parameter; default true).</summary>
    public bool Regressions { get; set; } = true;
}

/// <summary>Defaults for every [Property] of a class (nested classes: inner wins) or of the assembly.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class PropertiesAttribute : Attribute
{
    public int MaxTest { get; set; }
    public int MaxRejected { get; set; }
    public int StartSize { get; set; }
    public int EndSize { get; set; }
    public string? Replay { get; set; }
    public bool Verbose { get; set; }
    public bool QuietOnSuccess { get; set; }
    public Type[]? Arbitrary { get; set; }
    public bool Regressions { get; set; } = true;
    /// <summary>Timeout in milliseconds for each property (0 = none).</summary>
    public int Timeout { get; set; }
}
