using System.Runtime.CompilerServices;
using FsCheck.Xunit;

namespace IrqVerify.Properties.Tests;

/// <summary>
/// FsCheck.Xunit's <c>[Property]</c> with the suite's environment knobs (<see cref="PropertyEnvironment"/>).
/// It adds no behaviour of its own: FsCheck.Xunit's discoverer (found through the
/// XunitTestCaseDiscoverer attribute this class inherits), test case, option merge and failure
/// message run it unchanged, and every option is FsCheck.Xunit's. The constructor sets Replay to the
/// property's seed (its source file and method name, so it is stable); MaxTest and Replay are
/// re-declared only so that an explicit value passes through the scale and the forced seed.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SuitePropertyAttribute : PropertyAttribute
{
    public SuitePropertyAttribute([CallerFilePath] string file = "", [CallerMemberName] string method = "")
    {
        Name = $"{Path.GetFileNameWithoutExtension(file.Replace('\\', '/'))}.{method}";
        if (PropertyEnvironment.Replay(Name) is { } replay) base.Replay = replay;
    }

    /// <summary>The name the stable seed is derived from: "File.Method".</summary>
    public string Name { get; }

    /// <summary>FsCheck.Xunit's MaxTest, times IRQVERIFY_PROPERTY_SCALE.</summary>
    public new int MaxTest
    {
        get => base.MaxTest;
        set => base.MaxTest = PropertyEnvironment.Scale(value);
    }

    /// <summary>FsCheck.Xunit's Replay, unless IRQVERIFY_PROPERTY_SEED forces another.</summary>
    public new string Replay
    {
        get => base.Replay;
        set => base.Replay = PropertyEnvironment.Forced ? base.Replay : value;
    }
}
