using System.Diagnostics;
using System.Globalization;

namespace IrqVerify.Verify;

/// <summary>The process's peak resident set size (Linux: VmHWM of /proc/self/status, which is what
/// .NET reports as the peak working set), for `bench` and the `verify` summary.</summary>
public static class PeakRss
{
    public static long Bytes()
    {
        using var p = Process.GetCurrentProcess();
        return p.PeakWorkingSet64;
    }

    public static string Format(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):F0} MiB");
}
