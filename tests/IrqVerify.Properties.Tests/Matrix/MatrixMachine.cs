using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;
using IrqVerify.Model.Core;
using IrqVerify.Model.Matrix;

namespace IrqVerify.Properties.Tests.Matrix;

/// <summary>
/// FsCheck's state machine over <see cref="IrqMatrix"/> and <see cref="AbstractMatrix"/>: a small
/// booted matrix (1–4 CPUs, a window of 2–8 slots so allocations run out, maybe one system vector
/// inside it), then irq_matrix_alloc on any mask, irq_matrix_free of a vector the model holds, and
/// CPU offline/online. After every operation the matrix must return what the model predicts and
/// agree with it on every CPU's allocation bitmap, available counter and global_available, with no
/// WARN or fatal assertion.
/// </summary>
public sealed class MatrixMachine : Machine<IrqMatrix, AbstractMatrix>
{
    public override Arbitrary<Setup<IrqMatrix, AbstractMatrix>> Setup =>
        Arb.From(from cpus in Gen.Choose(1, 4)
                 from size in Gen.Choose(2, 8)
                 from system in Gen.Elements(-1, -1, 0, 1)
                 select (Setup<IrqMatrix, AbstractMatrix>)new Boot(cpus, 0x20, 0x20 + size, system < 0 ? [] : [0x20 + system]));

    public override Gen<Operation<IrqMatrix, AbstractMatrix>> Next(AbstractMatrix m)
    {
        var alloc = Gen.Choose(0, (1 << m.Cpus) - 1).Select(bits => (Operation<IrqMatrix, AbstractMatrix>)new Alloc(new CpuMask((ulong)bits)));
        var cpu = Gen.Choose(0, m.Cpus - 1);
        var hotplug = cpu.Select(c => (Operation<IrqMatrix, AbstractMatrix>)(m.Online[c] ? new Offline(c) : new Online(c)));
        var held = Enumerable.Range(0, m.Cpus).SelectMany(c => m.Allocated[c].Select(b => (c, b))).ToList();
        if (held.Count == 0) return Gen.Frequency((3, alloc), (1, hotplug));
        var free = Gen.Elements(held.ToArray()).Select(p => (Operation<IrqMatrix, AbstractMatrix>)new Free(p.c, p.b));
        return Gen.Frequency((3, alloc), (2, free), (1, hotplug));
    }

    private sealed class Boot(int cpus, int start, int end, int[] system) : Setup<IrqMatrix, AbstractMatrix>
    {
        public override IrqMatrix Actual()
        {
            var m = new IrqMatrix(cpus, Bitmap256.Bits, start, end, new DiagnosticLog());
            foreach (int b in system) m.AssignSystem(0, b, replace: false);
            for (int c = 0; c < cpus; c++) m.Online(c);
            return m;
        }

        public override AbstractMatrix Model() => AbstractMatrix.Boot(cpus, start, end, system);

        public override string ToString() =>
            $"{cpus} CPUs, window [0x{start:x}, 0x{end:x}){(system.Length > 0 ? $", system vector 0x{system[0]:x}" : "")}";
    }

    /// <summary>The matrix's return and state against the model after an operation.</summary>
    private static Property Agree(IrqMatrix actual, AbstractMatrix model, (Errno Error, int Cpu, int Bit) got)
    {
        var diffs = new List<string>();
        if (got != model.Last) diffs.Add($"returned {got}, the model {model.Last}");
        for (int c = 0; c < model.Cpus; c++)
        {
            var map = actual.Map(c);
            var bits = Enumerable.Range(model.Start, model.End - model.Start).Where(b => map.AllocMap.Test(b) && !actual.SystemMap.Test(b));
            if (!bits.SequenceEqual(model.Allocated[c])) diffs.Add($"CPU{c} holds {{{string.Join(",", bits.Select(b => $"0x{b:x}"))}}}");
            if (map.Available != model.Available(c)) diffs.Add($"CPU{c} available {map.Available}, the model {model.Available(c)}");
            if (map.Online != model.Online[c]) diffs.Add($"CPU{c} online {map.Online}");
        }
        if (actual.GlobalAvailable != model.GlobalAvailable) diffs.Add($"global_available {actual.GlobalAvailable}, the model {model.GlobalAvailable}");
        diffs.AddRange(actual.Diagnostics.Items.Where(d => d.Severity is Severity.Warn or Severity.Fatal).Select(d => $"{d.Severity} {d.Rule}: {d.Message}"));
        return (diffs.Count == 0).Label(string.Join("; ", diffs));
    }

    private sealed class Alloc(CpuMask mask) : Operation<IrqMatrix, AbstractMatrix>
    {
        public override AbstractMatrix Run(AbstractMatrix m) => m.Alloc(mask);

        public override Property Check(IrqMatrix actual, AbstractMatrix model)
        {
            var e = actual.Alloc(mask, reserved: false, out int cpu, out int bit);
            return Agree(actual, model, e == Errno.Ok ? (e, cpu, bit) : (e, -1, -1));
        }

        public override string ToString() => $"irq_matrix_alloc({mask})";
    }

    private sealed class Free(int cpu, int bit) : Operation<IrqMatrix, AbstractMatrix>
    {
        /// <summary>After shrinking, the allocation that produced this vector may be gone.</summary>
        public override bool Pre(AbstractMatrix m) => m.Allocated[cpu].Contains(bit);

        public override AbstractMatrix Run(AbstractMatrix m) => m.Free(cpu, bit);

        public override Property Check(IrqMatrix actual, AbstractMatrix model)
        {
            actual.Free(cpu, bit, managed: false);
            return Agree(actual, model, default);
        }

        public override string ToString() => $"irq_matrix_free(CPU{cpu}, 0x{bit:x})";
    }

    private sealed class Offline(int cpu) : Operation<IrqMatrix, AbstractMatrix>
    {
        public override bool Pre(AbstractMatrix m) => m.Online[cpu];
        public override AbstractMatrix Run(AbstractMatrix m) => m.SetOnline(cpu, false);

        public override Property Check(IrqMatrix actual, AbstractMatrix model)
        {
            actual.Offline(cpu);
            return Agree(actual, model, default);
        }

        public override string ToString() => $"irq_matrix_offline(CPU{cpu})";
    }

    private sealed class Online(int cpu) : Operation<IrqMatrix, AbstractMatrix>
    {
        public override bool Pre(AbstractMatrix m) => !m.Online[cpu];
        public override AbstractMatrix Run(AbstractMatrix m) => m.SetOnline(cpu, true);

        public override Property Check(IrqMatrix actual, AbstractMatrix model)
        {
            actual.Online(cpu);
            return Agree(actual, model, default);
        }

        public override string ToString() => $"irq_matrix_online(CPU{cpu})";
    }
}
