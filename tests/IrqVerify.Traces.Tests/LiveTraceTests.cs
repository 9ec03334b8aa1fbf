namespace IrqVerify.Traces.Tests;

/// <summary>
/// Records a fresh trace on the kernel this test runs on (rebind + affinity moves of a virtio-rng or
/// virtio-balloon device, about a second) and checks it. It needs Linux, root, tracefs and a safe
/// device; without them it fails with the recorder's one line saying what is missing.
/// </summary>
public class LiveTraceTests
{
    [Fact]
    public void A_trace_recorded_now_on_this_kernel_agrees_with_the_model()
    {
        string dir = Path.Combine(Path.GetTempPath(), "irqverify-live-" + Guid.NewGuid().ToString("N"));
        string path = Path.Combine(dir, "live.trace");
        try
        {
            var (code, output, err) = TraceKit.Cli("trace", "record", "--out", path);
            if (code != 0) Assert.Fail(err.Trim());
            Assert.StartsWith("recording on ", output);
            var (checkCode, report, checkErr) = TraceKit.Cli("trace", "check", path);
            Assert.Equal("", checkErr);
            Assert.True(checkCode == 0, report);
            Assert.Contains("agrees: the model matches the kernel on every checked value", report);
            // Two rebind rounds: the second round's choices are determined by what the first showed.
            var r = Check.TraceChecker.Check(Format.TraceParser.ParseFile(path));
            Assert.True(r.Replayed >= 16, report);
            Assert.True(r.VectorChoicesChecked >= 2, report);
            Assert.True(r.CpuChoicesChecked >= 4, report);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
