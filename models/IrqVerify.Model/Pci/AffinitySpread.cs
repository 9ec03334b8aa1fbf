using IrqVerify.Model.Core;

namespace IrqVerify.Model.Pci;

/// <summary>
/// kernel/irq/affinity.c for an irq_affinity without pre/post vectors: how many vectors spreading
/// can use (irq_calc_affinity_vectors) and the per-vector masks (irq_create_affinity_masks via
/// group_cpus_evenly, single node: consecutive CPUs, earlier groups one larger).
/// </summary>
public static class AffinitySpread
{
    /// <summary>irq_calc_affinity_vectors(minvec, maxvec): min(possible CPUs, maxvec).</summary>
    public static int CalcVectors(int possibleCpus, int maxvec) => Math.Min(possibleCpus, maxvec);

    /// <summary>Masks for <paramref name="nvec"/> vectors over <paramref name="possibleCpus"/> CPUs.</summary>
    public static CpuMask[] CreateMasks(int nvec, int possibleCpus)
    {
        var masks = new CpuMask[nvec];
        if (nvec >= possibleCpus)
        {
            for (int i = 0; i < nvec; i++) masks[i] = CpuMask.Of(i % possibleCpus);
            return masks;
        }
        int per = possibleCpus / nvec, extra = possibleCpus % nvec, cpu = 0;
        for (int i = 0; i < nvec; i++)
        {
            int n = per + (i < extra ? 1 : 0);
            var mask = CpuMask.Empty;
            for (int j = 0; j < n; j++) mask = mask.With(cpu++);
            masks[i] = mask;
        }
        return masks;
    }
}
