using IrqVerify.Model.Xen;

namespace IrqVerify.Model.Designs;

/// <summary>
/// bind_evtchn_to_irq's choice for a port not mapped yet: null allocates a new Linux irq for it
/// (one irq per event channel); an existing live irq_info maps the port onto that irq, which the
/// driver then demultiplexes (one shared irq for many channels; the info's refcount counts them).
/// </summary>
public interface IEvtchnIrqMapping
{
    IrqInfo? SharedIrq(XenEvents xen, int port, bool lateeoi);
}
