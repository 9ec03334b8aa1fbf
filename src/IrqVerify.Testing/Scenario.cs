using System.Text;
using IrqVerify.Model;
using IrqVerify.Model.Designs;
using IrqVerify.Model.Program;

namespace IrqVerify.Testing;

/// <summary>
/// One test case: a machine configuration, the variants turned on, and a program. Prints as the
/// program in the textual format under a comment header naming machine, variants and seed, so a
/// failing case reads like a file <c>irqverify run</c> accepts.
/// </summary>
public sealed class Scenario(MachineConfig machine, IrqProgram program, IReadOnlyList<string> variants, ulong seed = 0, string? origin = null)
{
    public MachineConfig Machine { get; } = machine;
    public IrqProgram Program { get; } = program;
    public IReadOnlyList<string> Variants { get; } = variants;
    /// <summary>The generator seed the case came from (0 for hand-written or pinned cases).</summary>
    public ulong Seed { get; } = seed;
    /// <summary>Where the case came from: a regression file, or null when generated.</summary>
    public string? Origin { get; } = origin;

    /// <summary>The design the machine boots with (Linux unless set).</summary>
    public Design Design { get; init; } = Design.Linux;

    public Scenario WithProgram(IrqProgram p) => new(Machine, p, Variants, Seed, Origin) { Design = Design };

    public Scenario WithDesign(Design d) => new(Machine, Program, Variants, Seed, Origin) { Design = d };

    public Variants MakeVariants()
    {
        var v = new Variants { Design = Design };
        foreach (var n in Variants)
            if (!v.TryEnable(n)) throw new ArgumentException($"unknown variant '{n}'");
        return v;
    }

    /// <summary>Boots a fresh machine for this case (the one reset strategy engines swap).</summary>
    public Machine Boot() => new(Machine, MakeVariants());

    public int CallCount => Program.CallCount;

    public string Header()
    {
        var sb = new StringBuilder();
        sb.Append("# machine ").Append(Machine.Name).Append(": ").Append(Describe(Machine)).Append('\n');
        sb.Append("# variants: ").Append(Variants.Count == 0 ? Design.IsLinux ? "none (reference model)" : "none" : string.Join(", ", Variants)).Append('\n');
        if (!Design.IsLinux) sb.Append("# design: ").Append(Design.Name).Append('\n');
        if (Seed != 0) sb.Append("# generator seed: ").Append(Seed).Append('\n');
        if (Origin is not null) sb.Append("# from: ").Append(Origin).Append('\n');
        return sb.ToString();
    }

    public override string ToString() => "\n" + Header() + Program.Print();

    /// <summary>A one-line summary of a machine: CPUs, window, devices, remapping, Xen.</summary>
    public static string Describe(MachineConfig c)
    {
        var devs = c.Devices.Select(d =>
            $"{d.Name}[{(d.Msi is { } m ? $"msi mmc{m.Mmc}{(m.MaskBit ? " mask" : "")}" : "")}{(d.Msi is not null && d.Msix is not null ? " " : "")}{(d.Msix is { } x ? $"msix{x.TableSize}" : "")}{(d.Remapped ? " remapped" : "")}]");
        return $"{c.Cpus} CPUs, window 0x{c.VectorStart:x}-0x{c.VectorEnd - 1:x}, {string.Join(" ", devs)}" +
               (c.Remapping is { } r ? $", {r.Entries} IRTEs" : "") + (c.Xen is { } x2 ? $", Xen {x2.Vcpus} vCPUs {x2.Abi}" : "");
    }
}

/// <summary>Generates whole scenarios (machine + program) from one seed.</summary>
public static class ScenarioGenerator
{
    /// <param name="seed">Expanded with SplitMix64: same seed, same scenario, in any process.</param>
    /// <param name="size">FsCheck's size: scales the program length.</param>
    /// <param name="machine">A fixed machine, or null to generate one from <paramref name="machines"/>.</param>
    public static Scenario Generate(ulong seed, int size, ProgramProfile? program = null, MachineProfile? machines = null,
        IReadOnlyList<string>? variants = null, MachineConfig? machine = null, Design? design = null)
    {
        var r = new Rng(seed);
        var cfg = machine ?? MachineGenerator.Generate(r, machines);
        var vs = variants ?? [];
        var s = new Scenario(cfg, new IrqProgram([]), vs, seed) { Design = design ?? Design.Linux };
        var prog = ProgramGenerator.Generate(cfg, s.MakeVariants(), r, size, program);
        return s.WithProgram(prog);
    }
}
