using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Designs;

/// <summary>Linux: every event channel gets its own irq (xen_allocate_irq_dynamic).</summary>
public sealed class LinuxEvtchnIrqMapping : IEvtchnIrqMapping
{
    public static readonly LinuxEvtchnIrqMapping Instance = new();

    public IrqInfo? SharedIrq(XenEvents xen, int port, bool lateeoi) => null;
}
