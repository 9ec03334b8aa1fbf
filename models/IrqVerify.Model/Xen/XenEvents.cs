using IrqVerify.Model.Core;

namespace IrqVerify.Model.Xen;

/// <summary>Xen event channels — placeholder shell; the Xen subsystem fills it in.</summary>
public sealed class XenEvents(Machine m)
{
    private readonly Machine _m = m;

    public void Boot() { _ = _m; }

    public bool DrainOnce() => false;

    public void Hash(ref StateHasher h) { h.Add(0); }

    public void Dump(TextWriter w) { }
}
