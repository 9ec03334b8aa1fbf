using System.CommandLine;
using IrqVerify.Conformance.Bench;
using IrqVerify.Conformance.Differential;
using IrqVerify.Conformance.Native;
using IrqVerify.Model;

namespace IrqVerify.Cli.Commands;

/// <summary>
/// irqverify conform matrix [--sequences N] [--seed S] [--kernel-src DIR] [--variant K..] [--out DIR]
/// [--bench [--ops N]]: the differential test of the model's matrix against the kernel's own
/// kernel/irq/matrix.c compiled natively (docs/conformance.md). Exit 0 when every sequence agrees,
/// 1 on a divergence (minimized sequence, both states side by side, replay line), 2 when the kernel
/// source or gcc is missing or an argument is bad.
/// </summary>
public static class ConformCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var sequences = new Option<int>("--sequences") { Description = "Number of random sequences (default 20000)", DefaultValueFactory = _ => 20_000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the first sequence; sequence k uses seed+k (default 1)", DefaultValueFactory = _ => 1 };
        var kernelSrc = new Option<string?>("--kernel-src") { Description = "A Linux source tree to take kernel/irq/matrix.c from (default: /usr/src/linux-source-6.12.tar.xz)" };
        var variant = new Option<string[]>("--variant") { Description = "Run the model with a re-injected known bug (K1..K15), to see a divergence caught", AllowMultipleArgumentsPerToken = true };
        var outDir = new Option<string>("--out") { Description = "Output folder; the native build is cached under it (default irqverify-out)", DefaultValueFactory = _ => "irqverify-out" };
        var bench = new Option<bool>("--bench") { Description = "Measure the same alloc/free sequence on the kernel's C and on the model instead" };
        var ops = new Option<int>("--ops") { Description = "Operations of --bench (default 1000000)", DefaultValueFactory = _ => 1_000_000 };
        var matrix = new Command("matrix", "Compare the model's matrix with the kernel's kernel/irq/matrix.c after every call of random sequences")
            { sequences, seed, kernelSrc, variant, outDir, bench, ops };
        matrix.SetAction(p =>
        {
            try
            {
                int n = p.GetValue(sequences);
                if (n < 1) throw new ModelInputException("--sequences", 0, 0, "expected a positive number of sequences");
                int nOps = p.GetValue(ops);
                if (nOps < 1) throw new ModelInputException("--ops", 0, 0, "expected a positive number of operations");
                string? src = p.GetValue(kernelSrc);
                if (src is not null && !Directory.Exists(src)) throw new ModelInputException(src, 0, 0, "--kernel-src: directory not found");
                var variantNames = p.GetValue(variant) ?? [];
                var variants = Inputs.ParseVariants(variantNames);
                var lib = KernelMatrixLibrary.Ensure(Path.Combine(p.GetValue(outDir)!, "conform"), src);
                if (p.GetValue(bench))
                {
                    var b = MatrixNativeBench.Run(lib, nOps);
                    stdout.WriteLine(b.ToString());
                    return b.ResultsAgree ? ExitCodes.Clean : ExitCodes.Found;
                }
                var report = ConformanceRunner.Run(lib, n, p.GetValue(seed), variants,
                    string.Concat(variantNames.Select(v => " --variant " + v)));
                report.Write(stdout);
                return report.Clean ? ExitCodes.Clean : ExitCodes.Found;
            }
            catch (ModelInputException e)
            {
                stderr.WriteLine(Inputs.Format(e));
                return ExitCodes.BadInput;
            }
            catch (KernelMatrixBuildException e)
            {
                stderr.WriteLine(e.Message);
                return ExitCodes.BadInput;
            }
        });
        return new Command("conform", "Conformance of the model to the real kernel") { matrix };
    }
}
