using FsCheck.Xunit;

namespace IrqVerify.Properties.Tests;

/// <summary>
/// FsCheck.Xunit's <c>[Properties]</c> (defaults for the properties of a class or the assembly)
/// whose MaxTest goes through IRQVERIFY_PROPERTY_SCALE. FsCheck.Xunit finds it as a
/// PropertiesAttribute and merges it as usual (method, then inner class, outer class, assembly).
/// The assembly carries one with FsCheck's default MaxTest, so a property that sets none is scaled too.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class SuitePropertiesAttribute : PropertiesAttribute
{
    /// <summary>FsCheck.Xunit's MaxTest, times IRQVERIFY_PROPERTY_SCALE.</summary>
    public new int MaxTest
    {
        get => base.MaxTest;
        set => base.MaxTest = PropertyEnvironment.Scale(value);
    }
}
