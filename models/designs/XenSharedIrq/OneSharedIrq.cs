using IrqVerify.Model.Designs;
using IrqVerify.Model.Xen;

namespace IrqVerify.Designs.XenSharedIrq;

/// <summary>The first bound inter-domain channel's irq (same chip: plain or late-EOI) is shared by every later one.</summary>
public sealed class OneSharedIrq : IEvtchnIrqMapping
{
    public IrqInfo? SharedIrq(XenEvents xen, int port, bool lateeoi)
    {
        foreach (var info in xen.LiveInfos())
            if (info.Type == IrqType.Evtchn && info.SetupDone && !info.Freed && info.LateEoi == lateeoi) return info;
        return null;
    }
}
