using IrqVerify.Model.Designs;

namespace IrqVerify.Designs.XenSharedIrq;

/// <summary>
/// Seed 002 (2008, "Question about interrupt routing and irq allocation"): the out-of-tree
/// pv-on-hvm drivers' design. Every event channel bound with bind_evtchn_to_irq lands on one shared
/// irq whose handler demultiplexes the ports; that irq's number comes from the top of the irq space
/// so it can never collide with APIC/MSI irqs (which Linux allocates bottom-up).
/// </summary>
public sealed class XenSharedIrqDesign : Design
{
    public override string Name => "xen-shared-irq";
    public override string Summary => "all event channels on one shared irq (demultiplexed), numbered from the top of the irq space";
    public override string? Debate => "seed 002";
    public override IEvtchnIrqMapping EvtchnMapping { get; } = new OneSharedIrq();
    public override IIrqNumberAllocator IrqNumbers { get; } = new XenIrqsFromTop();
}
