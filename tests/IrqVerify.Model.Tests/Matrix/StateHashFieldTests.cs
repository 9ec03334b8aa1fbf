using IrqVerify.Model.Matrix;
using static IrqVerify.Model.Tests.Matrix.MatrixKit;

namespace IrqVerify.Model.Tests.Matrix;

/// <summary>
/// Mutation-testing survivors (README): every field of a CPU map feeds the matrix fingerprint. The
/// explorer's state cache and I-M11 ("a failed operation leaves the matrix unchanged") compare these
/// hashes, so a field left out would let two different states pass for one.
/// </summary>
public class StateHashFieldTests
{
    [Theory]
    [InlineData("available")]
    [InlineData("allocated")]
    [InlineData("managed")]
    [InlineData("managed_allocated")]
    [InlineData("initialized")]
    [InlineData("online")]
    [InlineData("alloc_map")]
    [InlineData("managed_map")]
    [InlineData("changed_while_offline")]
    [InlineData("available_drift")]
    public void Changing_one_field_of_one_cpu_map_changes_the_fingerprint(string field)
    {
        var m = X86();
        ulong before = m.Fingerprint(looseManagedMap: false);
        var cm = m.Map(1);
        switch (field)
        {
            case "available": cm.Available++; break;
            case "allocated": cm.Allocated++; break;
            case "managed": cm.Managed++; break;
            case "managed_allocated": cm.ManagedAllocated++; break;
            case "initialized": cm.Initialized = !cm.Initialized; break;
            case "online": cm.Online = !cm.Online; break;
            case "alloc_map": cm.AllocBits.Set(0x40); break;
            case "managed_map": cm.ManagedBits.Set(0x40); break;
            case "changed_while_offline": cm.ManagedChangedWhileOffline = !cm.ManagedChangedWhileOffline; break;
            case "available_drift": cm.AvailableDrift++; break;
        }
        Assert.NotEqual(before, m.Fingerprint(looseManagedMap: false));
    }

    [Fact]
    public void The_same_state_reached_twice_has_the_same_fingerprint()
    {
        var a = X86();
        var b = X86();
        a.AllocOn(2);
        b.AllocOn(2);
        Assert.Equal(a.Fingerprint(looseManagedMap: false), b.Fingerprint(looseManagedMap: false));
    }
}
