using System.Diagnostics;
using System.Text.RegularExpressions;

namespace IrqVerify.Report.Tests;

/// <summary>
/// Renders a real report (the K10 counterexample) in headless Chromium and checks what the page
/// shows: the DOM after the script ran, and the pixels of a screenshot. Needs Debian's chromium
/// (tests/install-deps.sh installs it; IRQVERIFY_CHROMIUM overrides the path). The test fails, not
/// skips, without it. IRQVERIFY_REPORT_SCREENSHOT=path also keeps a copy of the screenshot.
/// </summary>
public class ChromiumRenderingTests
{
    private static string Chromium()
    {
        string path = Environment.GetEnvironmentVariable("IRQVERIFY_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";
        Assert.True(File.Exists(path), $"{path} not found: chromium is missing: install it with `apt-get install chromium` (tests/install-deps.sh does) or set IRQVERIFY_CHROMIUM");
        return path;
    }

    private static (int Exit, string Stdout, string Stderr) Browse(string chromium, string profile, params string[] args)
    {
        var psi = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            "--force-color-profile=srgb", "--hide-scrollbars", "--user-data-dir=" + profile,
        }) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 180 s");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void K10_report_renders_in_headless_chromium()
    {
        string chromium = Chromium();
        var report = Samples.K10Report();
        var failure = report.Failures[0];
        var violating = failure.Timeline!.Steps.Single(s => s.Violating);
        string root = Path.Combine(Path.GetTempPath(), "irqverify-chromium-" + Guid.NewGuid().ToString("N"));
        try
        {
            string index = HtmlReport.Write(Path.Combine(root, "report"), report);
            string url = new Uri(index).AbsoluteUri;

            var dom = Browse(chromium, Path.Combine(root, "profile-dom"), "--dump-dom", url);
            Assert.True(dom.Exit == 0, $"chromium --dump-dom exited {dom.Exit}: {dom.Stderr}");
            string html = dom.Stdout;
            // The script ran.
            Assert.Contains("data-rendered=\"yes\"", html);
            // The summary values.
            Assert.Contains("<td data-key=\"variant\">K10</td>", html);
            Assert.Contains("<td data-key=\"machine\">xen-2l</td>", html);
            Assert.Contains("<td data-key=\"seed\">3</td>", html);
            Assert.Contains("FAILED: 1 distinct failure", html);
            Assert.Contains("2,000 schedules", html);
            // One labelled lane per Lanes entry, in order.
            var labels = Regex.Matches(html, "<text class=\"lane-label\"[^>]*>([^<]*)</text>").Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(failure.Timeline.Lanes, labels);
            // The highlighted step, and the caption the script derived from it.
            Assert.Single(Regex.Matches(html, "class=\"step violating\""));
            Assert.Contains($"class=\"step violating\" id=\"failure-0-step-{violating.Index}\" data-step=\"{violating.Index}\" data-lane=\"{violating.Lane}\"", html);
            Assert.Contains($"Violation appears at step {violating.Index} on {violating.Lane} ({failure.Timeline.Lanes.Count} lanes)", html);

            string png = Path.Combine(root, "shot.png");
            var shot = Browse(chromium, Path.Combine(root, "profile-shot"), "--screenshot=" + png, "--window-size=1400,900", url);
            Assert.True(shot.Exit == 0, $"chromium --screenshot exited {shot.Exit}: {shot.Stderr}");
            var bytes = File.ReadAllBytes(png);
            Assert.True(Png.HasSignature(bytes));
            Assert.True(bytes.Length > 20_000, $"screenshot is only {bytes.Length} bytes");
            var image = Png.Decode(bytes);
            Assert.Equal((1400, 900), (image.Width, image.Height));
            // The violating box (fill #d7263d) is on screen: the page scrolls its timeline to it.
            int red = 0, white = 0;
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < image.Width; x++)
                {
                    var c = image[x, y];
                    if (c == (0xd7, 0x26, 0x3d)) red++;
                    else if (c == (0xff, 0xff, 0xff)) white++;
                }
            Assert.True(red > 2_000, $"only {red} pixels of the violating colour");
            Assert.True(white > 10_000 && white < image.Width * image.Height * 9 / 10, $"{white} white pixels: blank page?");
            if (Environment.GetEnvironmentVariable("IRQVERIFY_REPORT_SCREENSHOT") is { Length: > 0 } keep) File.Copy(png, keep, overwrite: true);
        }
        finally
        {
            try { Directory.Delete(root, true); } catch (IOException) { }
        }
    }
}
