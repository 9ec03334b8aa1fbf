using IrqVerify.Model.Core;

namespace IrqVerify.Model.Pci;

/// <summary>Writing messages into the function: __pci_write_msi_msg (pci_write_msg_msi / _msix).</summary>
public sealed partial class PciBus
{
    /// <summary>
    /// __pci_write_msi_msg as one atomic step (activation, deactivation, the careful path's single
    /// word changes). MSI also rewrites MME from desc->multiple. MSI-X masks an unmasked entry around
    /// the write and skips virtual entries (index ≥ table size).
    /// </summary>
    internal static void WriteMessageNow(PciDevice dev, MsiDescriptor desc, MsiMessage msg)
    {
        if (!desc.IsMsix)
        {
            var c = dev.Msi!;
            c.Mme = desc.Multiple;
            c.Write(msg);
            return;
        }
        var x = dev.Msix!;
        if (desc.MsiIndex >= x.Size) return;
        x.Entries.Mutable(desc.MsiIndex).Write(msg);
    }

    /// <summary>The message currently programmed for this descriptor.</summary>
    internal static MsiMessage CurrentMessage(PciDevice dev, MsiDescriptor desc) =>
        !desc.IsMsix ? dev.Msi!.Message
        : desc.MsiIndex < dev.Msix!.Size ? dev.Msix.Entries[desc.MsiIndex].Message : MsiMessage.Zero;

    /// <summary>
    /// The direct (non-atomic) rewrite: address lo, address hi (64-bit functions), data — separate
    /// 32-bit writes the function can sample in between. pci_write_msg_msix keeps the entry masked
    /// meanwhile (an arrival sets the pending bit and is sent on restore); MSI cannot.
    /// </summary>
    internal IEnumerable<Sched> WriteMessageSteps(PciDevice dev, MsiDescriptor desc, MsiMessage msg)
    {
        if (!desc.IsMsix)
        {
            var c = dev.Msi!;
            c.Mme = desc.Multiple;
            c.AddressLo = msg.AddressLo;
            m.Trace?.Effect($"{dev.Name}: MSI address lo <- 0x{msg.AddressLo:x8}");
            if (c.Is64)
            {
                yield return Sched.At("pci_write_msg_msi.address_hi");
                c.AddressHi = msg.AddressHi;
            }
            yield return Sched.At("pci_write_msg_msi.data");
            c.Data = msg.Data;
            m.Trace?.Effect($"{dev.Name}: MSI data <- 0x{msg.Data:x4}");
            yield break;
        }
        var x = dev.Msix!;
        int i = desc.MsiIndex;
        if (i >= x.Size) yield break;
        bool unmasked = !x.Entries[i].Masked;
        x.Entries.Mutable(i).Masked = true;
        x.Entries.Mutable(i).WriteInProgress = true;
        x.Entries.Mutable(i).AddressLo = msg.AddressLo;
        yield return Sched.At("pci_write_msg_msix.address_hi");
        x.Entries.Mutable(i).AddressHi = msg.AddressHi;
        yield return Sched.At("pci_write_msg_msix.data");
        x.Entries.Mutable(i).Data = msg.Data;
        x.Entries.Mutable(i).WriteInProgress = false;
        if (unmasked)
        {
            x.Entries.Mutable(i).Masked = false;
            DeliverPendingMsix(dev, i);
        }
    }
}
