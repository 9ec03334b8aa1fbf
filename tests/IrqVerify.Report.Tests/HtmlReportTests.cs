using System.Xml;
using System.Xml.Linq;

namespace IrqVerify.Report.Tests;

public class HtmlReportTests
{
    internal static XDocument Parse(string html)
    {
        using var r = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(r);
    }

    internal static IEnumerable<XElement> ByClass(XContainer d, string local, string cls) =>
        d.Descendants().Where(e => e.Name.LocalName == local && ((string?)e.Attribute("class") ?? "").Split(' ').Contains(cls));

    [Fact]
    public void Page_is_well_formed_and_self_contained()
    {
        string html = HtmlReport.Render(Samples.Small());
        var doc = Parse(html);
        Assert.Equal("html", doc.Root!.Name.LocalName);
        // No network: no external script, stylesheet, image or font.
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/", ""));
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<link", html);
        Assert.Single(doc.Descendants(), e => e.Name.LocalName == "style");
        Assert.Single(doc.Descendants(), e => e.Name.LocalName == "script");
    }

    [Fact]
    public void Text_is_escaped_everywhere()
    {
        var r = Samples.Small();
        string html = HtmlReport.Render(r);
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co", html);
        var doc = Parse(html);
        // Parsed back, the text is exactly what the report said.
        Assert.Equal(r.Title, doc.Descendants().First(e => e.Name.LocalName == "h1").Value);
        Assert.Equal(r.Failures[0].RegressionTest, doc.Descendants().First(e => (string?)e.Attribute("id") == "failure-0-test").Value);
        Assert.Contains("vector 0x41 on CPU1 <leaked>", ByClass(doc, "ul", "messages").Single().Value);
        var title = ByClass(doc, "g", "step").First().Elements().First(e => e.Name.LocalName == "title").Value;
        Assert.Equal("step 1 [cpu0] irq_set_affinity.lock\ncpu0: start -> lock\n  * CPU0 vector 0x21 <alloc>", title);
        Assert.Equal("a < b & c", doc.Descendants().First(e => e.Name.LocalName == "td" && e.Value.StartsWith("a <")).Value);
    }

    [Fact]
    public void Summary_shows_the_run_and_the_engine_table()
    {
        var doc = Parse(HtmlReport.Render(Samples.Small()));
        string Key(string k) => doc.Descendants().Single(e => (string?)e.Attribute("data-key") == k).Value;
        Assert.Equal("reference", Key("variant"));
        Assert.Equal("default", Key("machine"));
        Assert.Equal("42", Key("seed"));
        Assert.Equal("10.0 s", Key("budget"));
        Assert.Equal("2.5 s", Key("elapsed"));
        var verdict = doc.Descendants().Single(e => (string?)e.Attribute("id") == "verdict");
        Assert.Equal("FAILED: 1 distinct failure", verdict.Value);
        var row = doc.Descendants().Single(e => (string?)e.Attribute("id") == "engines")
            .Descendants().Where(e => e.Name.LocalName == "tr").Skip(1).Single();
        Assert.Equal(["explorer", "123,456 schedules", "2.0 s", "1", "a < b & c"], row.Elements().Select(e => e.Value).ToArray());
        Assert.Equal("bad", (string?)row.Attribute("class"));
    }

    [Fact]
    public void Clean_report_has_no_failure_sections()
    {
        var doc = Parse(HtmlReport.Render(Samples.Small(failing: false)));
        Assert.Equal("clean", (string?)doc.Root!.Descendants().Single(e => e.Name.LocalName == "body").Attribute("data-verdict"));
        Assert.Equal("CLEAN", doc.Descendants().Single(e => (string?)e.Attribute("id") == "verdict").Value);
        Assert.Empty(ByClass(doc, "section", "failure"));
        Assert.DoesNotContain(doc.Descendants(), e => e.Name.LocalName == "svg");
    }

    [Fact]
    public void One_lane_per_Lanes_entry_in_order_and_each_step_in_its_lane()
    {
        var r = Samples.Small();
        var doc = Parse(HtmlReport.Render(r));
        var svg = doc.Descendants().Single(e => e.Name.LocalName == "svg");
        Assert.Equal("http://www.w3.org/2000/svg", svg.Name.NamespaceName);
        var lanes = ByClass(svg, "g", "lane").ToList();
        Assert.Equal(["cpu0", "cpu1", "dev0"], lanes.Select(l => (string)l.Attribute("data-lane")!).ToArray());
        Assert.Equal(["cpu0", "cpu1", "dev0"], ByClass(svg, "text", "lane-label").Select(l => l.Value).ToArray());
        var steps = ByClass(svg, "g", "step").ToList();
        Assert.Equal(3, steps.Count);
        // x grows with the step order; y is the lane's row.
        double[] xs = steps.Select(s => (double)s.Elements().Single(e => e.Name.LocalName == "rect").Attribute("x")!).ToArray();
        Assert.True(xs[0] < xs[1] && xs[1] < xs[2]);
        double[] ys = steps.Select(s => (double)s.Elements().Single(e => e.Name.LocalName == "rect").Attribute("y")!).ToArray();
        Assert.Equal(TimelineSvg.LaneHeight, ys[1] - ys[0]);
        Assert.Equal(TimelineSvg.LaneHeight, ys[2] - ys[1]);
    }

    [Fact]
    public void Exactly_the_violating_step_is_marked()
    {
        var doc = Parse(HtmlReport.Render(Samples.Small()));
        var v = ByClass(doc, "g", "violating").Single();
        Assert.Equal("2", (string?)v.Attribute("data-step"));
        Assert.Equal("cpu1", (string?)v.Attribute("data-lane"));
        Assert.Equal("failure-0-step-2", (string?)v.Attribute("id"));
        Assert.Contains("<-- VIOLATION", v.Elements().First(e => e.Name.LocalName == "title").Value);
        Assert.Equal("2", (string?)ByClass(doc, "p", "violation-caption").Single().Attribute("data-violating-step"));
    }

    [Fact]
    public void Long_labels_wrap_on_two_lines_and_elide()
    {
        Assert.Equal(("short", ""), TimelineSvg.Wrap("short"));
        Assert.Equal(("handle_irq_for_port.", "lookup"), TimelineSvg.Wrap("handle_irq_for_port.lookup"));
        var (a, b) = TimelineSvg.Wrap("xen_irq_lateeoi_locked.clear_active_and_unmask_the_channel_again");
        Assert.True(a.Length <= 23 && b.Length <= 23);
        Assert.EndsWith("…", b);
    }

    [Fact]
    public void Write_creates_the_directory_and_index_html()
    {
        string dir = Path.Combine(Path.GetTempPath(), "irqverify-report-" + Guid.NewGuid().ToString("N"), "nested");
        try
        {
            string path = HtmlReport.Write(dir, Samples.Small());
            Assert.Equal(Path.Combine(Path.GetFullPath(dir), "index.html"), path);
            Assert.Equal(HtmlReport.Render(Samples.Small()), File.ReadAllText(path));
        }
        finally { Directory.Delete(Path.GetDirectoryName(dir)!, true); }
    }
}
