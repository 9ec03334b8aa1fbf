using FsCheck;
using FsCheck.Experimental;

namespace IrqVerify.Properties.Tests.Matrix;

/// <summary>
/// Model-based test of the vector matrix with FsCheck's state-machine support: generated sequences
/// of alloc/free/offline/online on a small matrix, each step checked against <see cref="AbstractMatrix"/>.
/// It checks the allocation policy itself (which CPU, which vector, when -ENOSPC), which neither the
/// matrix invariants (counters agree with bitmaps) nor the refinement check (devices, irqs, ports)
/// look at.
/// </summary>
public class MatrixStateMachineProperties
{
    [SuiteProperty(MaxTest = 200, EndSize = 40)]
    public Property Alloc_free_and_hotplug_follow_the_abstract_matrix() => new MatrixMachine().ToProperty();
}
