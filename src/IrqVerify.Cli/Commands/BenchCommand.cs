using System.CommandLine;
using IrqVerify.Conformance.Bench;
using IrqVerify.Conformance.Native;
using IrqVerify.Model;
using IrqVerify.Verify;

namespace IrqVerify.Cli.Commands;

/// <summary>irqverify bench [--seconds N] [--out DIR]: matrix ops/s against the kernel's matrix.c, model
/// ops/s (with and without checks), explorer schedules/s (random, dfs), fuzz execs/s, peak RSS.</summary>
public static class BenchCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var seconds = new Option<double>("--seconds") { Description = "Seconds per measurement (default 2)", DefaultValueFactory = _ => 2 };
        var outDir = new Option<string>("--out") { Description = "Output folder; the kernel's matrix.c is built and cached under it (default irqverify-out)", DefaultValueFactory = _ => "irqverify-out" };
        var cmd = new Command("bench", "Measure matrix ops/s against the kernel's C, model ops/s, explorer schedules/s, fuzz execs/s and peak RSS in one run") { seconds, outDir };
        cmd.SetAction(p =>
        {
            try
            {
                double s = p.GetValue(seconds);
                if (s <= 0) throw new ModelInputException("--seconds", 0, 0, "expected a positive number of seconds");
                string dir = Path.Combine(p.GetValue(outDir)!, "conform");
                BenchRunner.Run(stdout, s, matrix: w => Matrix(w, dir));
                return ExitCodes.Clean;
            }
            catch (ModelInputException e)
            {
                stderr.WriteLine(Inputs.Format(e));
                return ExitCodes.BadInput;
            }
        });
        return cmd;
    }

    /// <summary>The kernel's matrix.c against the model on one alloc/free sequence; without gcc or the
    /// kernel source the line says why and the other measurements still run.</summary>
    private static void Matrix(TextWriter w, string cacheDir)
    {
        KernelMatrixLibrary lib;
        try { lib = KernelMatrixLibrary.Ensure(cacheDir, null); }
        catch (KernelMatrixBuildException e)
        {
            w.WriteLine($"matrix: kernel side unavailable ({e.Message})");
            return;
        }
        var b = MatrixNativeBench.Run(lib);
        w.WriteLine($"matrix: alloc/free, {b.Ops} ops: kernel matrix.c {b.NativeOpsPerSecond,12:N0} ops/s, model {b.ModelOpsPerSecond,12:N0} ops/s = {b.Ratio:F1}x; "
            + $"with the operation record {b.ModelRecordingOpsPerSecond:N0} ops/s = {b.RecordingRatio:F1}x{(b.ResultsAgree ? "" : " [RESULTS DIFFER]")}");
    }
}
