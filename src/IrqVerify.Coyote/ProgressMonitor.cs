using CoyoteMonitor = Microsoft.Coyote.Specifications.Monitor;

namespace IrqVerify.Coyote;

/// <summary>
/// The end-of-schedule progress properties as a Coyote liveness monitor: every iteration starts hot
/// (the interrupts, events, moves and cleanups in flight must settle) and turns cold only when the
/// schedule reached quiescence, the drain converged and the eventual invariants held — the native
/// runner's own checks decide. A schedule that ends hot (LIVENESS step bound, model.drain, an eventual
/// invariant) is reported by Coyote as a liveness bug at the end of the execution.
/// </summary>
internal sealed class ProgressMonitor : CoyoteMonitor
{
    internal sealed class Settled : Event { }

    [Start]
    [Hot]
    [OnEventGotoState(typeof(Settled), typeof(Quiescent))]
    private sealed class InFlight : State { }

    [Cold]
    private sealed class Quiescent : State { }
}
