using System.Text;

namespace IrqVerify.Report;

/// <summary>
/// Writes a <see cref="VerifyReport"/> as one self-contained page, dir/index.html: inline CSS and
/// script, no network. The summary (title, variant, machine, seed, budget, elapsed, engine table,
/// verdict) comes first; then, per failure, the invariants and messages, the per-CPU timeline (SVG),
/// the narrative, the counterexample, the replay command and the regression test with a copy button.
/// The page is also well-formed XML, and the script only adds to what the server-side HTML already
/// says (captions, tooltip, scrolling the violating step into view, copy), so it reads without script.
/// </summary>
public static class HtmlReport
{
    /// <summary>Creates <paramref name="dir"/> if needed and writes index.html; returns its full path.</summary>
    public static string Write(string dir, VerifyReport report)
    {
        Directory.CreateDirectory(dir);
        string path = Path.GetFullPath(Path.Combine(dir, "index.html"));
        File.WriteAllText(path, Render(report), new UTF8Encoding(false));
        return path;
    }

    public static string Render(VerifyReport r)
    {
        var sb = new StringBuilder(16 * 1024);
        sb.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        sb.Append("<title>").Append(Html.Esc(r.Title)).Append("</title>\n");
        sb.Append("<style>").Append(Css).Append("</style>\n</head>\n");
        sb.Append($"<body data-verdict=\"{(r.Clean ? "clean" : "failed")}\" data-failures=\"{r.Failures.Count}\">\n");
        Summary(sb, r);
        foreach (var t in r.Tables) Table(sb, t);
        for (int i = 0; i < r.Failures.Count; i++) Failure(sb, r.Failures[i], i);
        sb.Append("<div id=\"tooltip\" class=\"tooltip\" hidden=\"hidden\"></div>\n");
        sb.Append("<script>//<![CDATA[\n").Append(Script).Append("\n//]]></script>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void Summary(StringBuilder sb, VerifyReport r)
    {
        sb.Append("<header>\n<h1>").Append(Html.Esc(r.Title)).Append("</h1>\n");
        string verdict = r.Clean ? "CLEAN"
            : r.Failures.Count > 0 ? $"FAILED: {r.Failures.Count} distinct failure{(r.Failures.Count == 1 ? "" : "s")}"
            : $"DIFFERENT: {string.Join(", ", r.Tables.Where(t => t.Differs).Select(t => t.Title))}";
        sb.Append($"<p id=\"verdict\" class=\"verdict {(r.Clean ? "clean" : "failed")}\">{Html.Esc(verdict)}</p>\n");
        sb.Append("<table id=\"summary\" class=\"kv\">\n");
        Row(sb, "variant", r.Variant);
        Row(sb, "machine", r.Machine);
        Row(sb, "seed", r.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row(sb, "budget", Html.Duration(r.Budget));
        Row(sb, "elapsed", Html.Duration(r.Elapsed));
        sb.Append("</table>\n");
        sb.Append("<table id=\"engines\" class=\"grid\">\n<thead><tr><th>engine</th><th>runs</th><th>elapsed</th><th>failures</th><th>notes</th></tr></thead>\n<tbody>\n");
        foreach (var e in r.Engines)
        {
            sb.Append($"<tr class=\"{(e.Failures > 0 ? "bad" : "good")}\"><td>{Html.Esc(e.Engine)}</td>");
            sb.Append($"<td class=\"num\">{Html.Int(e.Runs)} {Html.Esc(e.RunUnit)}</td><td class=\"num\">{Html.Duration(e.Elapsed)}</td>");
            sb.Append($"<td class=\"num\">{e.Failures}</td><td>{Html.Esc(e.Notes)}</td></tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        if (r.Failures.Count > 0)
        {
            sb.Append("<nav><ul>\n");
            for (int i = 0; i < r.Failures.Count; i++)
            {
                var f = r.Failures[i];
                sb.Append($"<li><a href=\"#{Html.Id("failure", i)}\">{Html.Esc(string.Join(", ", f.Invariants))}</a> ({Html.Esc(f.Engine)})</li>\n");
            }
            sb.Append("</ul></nav>\n");
        }
        sb.Append("</header>\n");
    }

    private static void Table(StringBuilder sb, ReportTable t)
    {
        sb.Append($"<section class=\"table\" id=\"{Html.Esc(t.Id)}\">\n<h2 class=\"plain\">{Html.Esc(t.Title)}</h2>\n");
        sb.Append("<table class=\"grid\">\n<thead><tr>");
        foreach (var h in t.Headers) sb.Append("<th>").Append(Html.Esc(h)).Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < t.Rows.Count; i++)
        {
            sb.Append($"<tr class=\"{(t.RowDiffers[i] ? "bad" : "good")}\">");
            foreach (var c in t.Rows[i]) sb.Append("<td>").Append(Html.Esc(c)).Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        for (int i = 0; i < t.Blocks.Count; i++) Block(sb, t.Blocks[i].Heading, Html.Id(t.Id, i), t.Blocks[i].Text, copy: false);
        sb.Append("</section>\n");
    }

    private static void Row(StringBuilder sb, string key, string value) =>
        sb.Append($"<tr><th>{Html.Esc(key)}</th><td data-key=\"{Html.Esc(key)}\">{Html.Esc(value)}</td></tr>\n");

    private static void Failure(StringBuilder sb, FailureReport f, int i)
    {
        string id = Html.Id("failure", i);
        sb.Append($"<section class=\"failure\" id=\"{id}\" data-invariants=\"{Html.Esc(string.Join(" ", f.Invariants))}\">\n");
        string classes = f.Classes.Count == 0 ? "" : $"{string.Join(",", f.Classes.Distinct())}, ";
        string history = f.History is null ? "" : $"; {f.History}";
        sb.Append($"<h2>{Html.Esc(string.Join(", ", f.Invariants))} <small>{Html.Esc(classes)}found by {Html.Esc(f.Engine)}{Html.Esc(history)}</small></h2>\n");
        sb.Append("<ul class=\"messages\">\n");
        for (int k = 0; k < f.Invariants.Count; k++)
        {
            string msg = k < f.Messages.Count ? f.Messages[k] : "";
            sb.Append($"<li><code class=\"inv\">{Html.Esc(f.Invariants[k])}</code> {Html.Esc(msg)}</li>\n");
        }
        for (int k = f.Invariants.Count; k < f.Messages.Count; k++) sb.Append($"<li>{Html.Esc(f.Messages[k])}</li>\n");
        sb.Append("</ul>\n");
        sb.Append("<p class=\"narrative\">").Append(Html.Esc(f.Narrative)).Append("</p>\n");

        if (f.Timeline is { } t)
        {
            int violating = t.Steps.FindIndex(s => s.Violating);
            sb.Append($"<h3>Timeline <small>{t.Lanes.Count} lanes, {t.Steps.Count} steps</small></h3>\n");
            sb.Append($"<p class=\"violation-caption\" data-violating-step=\"{(violating >= 0 ? t.Steps[violating].Index : -1)}\"></p>\n");
            sb.Append("<div class=\"timeline-box\">\n").Append(TimelineSvg.Render(t, id)).Append("\n</div>\n");
        }

        Block(sb, "Counterexample", id + "-cx", f.Counterexample, copy: false);
        Block(sb, "Replay", id + "-replay", f.Replay, copy: true);
        Block(sb, "Regression test", id + "-test", f.RegressionTest, copy: true);
        sb.Append("</section>\n");
    }

    private static void Block(StringBuilder sb, string heading, string id, string text, bool copy)
    {
        sb.Append("<h3>").Append(Html.Esc(heading));
        if (copy) sb.Append($" <button type=\"button\" class=\"copy\" data-target=\"{id}\">copy</button>");
        sb.Append("</h3>\n");
        sb.Append($"<pre id=\"{id}\" class=\"block\"><code>{Html.Esc(text)}</code></pre>\n");
    }

    private const string Css = """

        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 24px 40px; color: #1d2330; background: #fafbfc; }
        h1 { font-size: 22px; margin: 16px 0 4px; }
        h2 { font-size: 18px; margin: 0 0 6px; color: #8a1020; }
        h2.plain { color: #1d2330; margin-top: 18px; }
        h2 small, h3 small { color: #5b6475; font-weight: normal; font-size: 13px; }
        h3 { font-size: 15px; margin: 14px 0 4px; }
        .verdict { display: inline-block; font-weight: 700; padding: 3px 12px; border-radius: 12px; margin: 4px 0 10px; }
        .verdict.clean { background: #d8f3dc; color: #1b5e20; }
        .verdict.failed { background: #fde2e4; color: #8a1020; }
        table { border-collapse: collapse; margin: 6px 0 10px; }
        table.kv th { text-align: left; padding: 1px 14px 1px 0; color: #5b6475; font-weight: 600; }
        table.grid th, table.grid td { border: 1px solid #d5d9e0; padding: 3px 10px; }
        table.grid thead th { background: #eef1f5; }
        table.grid tr.bad td:nth-child(4) { color: #b00020; font-weight: 700; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        nav ul { margin: 4px 0; padding-left: 18px; }
        section.failure { background: #fff; border: 1px solid #e3e6eb; border-left: 4px solid #d7263d; border-radius: 6px; padding: 12px 16px; margin: 14px 0; }
        ul.messages { margin: 4px 0; padding-left: 18px; }
        code.inv { background: #fde2e4; color: #8a1020; padding: 0 4px; border-radius: 3px; }
        .narrative { font-style: italic; margin: 6px 0; }
        .violation-caption { margin: 2px 0; color: #8a1020; font-weight: 600; min-height: 1em; }
        pre.block { background: #f3f5f8; border: 1px solid #e3e6eb; border-radius: 4px; padding: 8px 10px; overflow-x: auto; font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; margin: 2px 0; }
        button.copy { font-size: 12px; margin-left: 8px; padding: 1px 8px; cursor: pointer; }
        .timeline-box { overflow-x: auto; border: 1px solid #e3e6eb; border-radius: 4px; background: #fff; }
        svg.timeline { display: block; font: 11px ui-monospace, "DejaVu Sans Mono", monospace; }
        svg .lane-bg { fill: #ffffff; }
        svg .lane-bg.odd { fill: #f4f6f9; }
        svg .lane-head { fill: #eef1f5; stroke: #d5d9e0; stroke-width: 0.5; }
        svg .lane-head.odd { fill: #e6eaf0; }
        svg .lane-label { font-weight: 700; fill: #1d2330; font-size: 12px; }
        svg .step-no { fill: #8a93a5; text-anchor: middle; font-size: 10px; }
        svg .flow { fill: none; stroke: #9aa5b8; stroke-width: 1.2; stroke-dasharray: 3 3; }
        svg .step rect { fill: #dce8fb; stroke: #4a78c2; stroke-width: 1; }
        svg .step text { fill: #12305e; pointer-events: none; }
        svg .step:hover rect { fill: #b9d2f7; }
        svg .step.violating rect { fill: #d7263d; stroke: #7a0010; stroke-width: 2.5; }
        svg .step.violating text { fill: #ffffff; font-weight: 700; }
        .tooltip { position: fixed; z-index: 10; max-width: 640px; background: #1d2330; color: #f3f5f8; padding: 6px 9px; border-radius: 4px; font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; pointer-events: none; box-shadow: 0 2px 8px rgba(0,0,0,.3); }

        """;

    // No '<' or '&' below, so the CDATA-wrapped script is the same text to an HTML and an XML parser.
    private const string Script = """
        (function () {
          var body = document.body;
          body.setAttribute('data-rendered', 'yes');
          var captions = document.querySelectorAll('.violation-caption');
          Array.prototype.forEach.call(captions, function (cap) {
            var section = cap.closest('section');
            var v = section.querySelector('g.step.violating');
            var lanes = section.querySelectorAll('g.lane').length;
            if (v) {
              cap.textContent = 'Violation appears at step ' + v.getAttribute('data-step') + ' on ' +
                v.getAttribute('data-lane') + ' (' + lanes + ' lanes). Hover a step for its effects and the vector/port state.';
              var box = section.querySelector('.timeline-box');
              var r = v.querySelector('rect');
              var x = parseFloat(r.getAttribute('x'));
              box.scrollLeft = Math.max(0, x + 220 - box.clientWidth);
            } else {
              cap.textContent = 'No step is marked as violating (the failure appeared at quiescence). ' + lanes + ' lanes.';
            }
          });
          Array.prototype.forEach.call(document.querySelectorAll('.timeline-box'), function (box) {
            var labels = box.querySelector('g.lane-labels');
            function stick() { labels.setAttribute('transform', 'translate(' + box.scrollLeft + ',0)'); }
            box.addEventListener('scroll', stick);
            stick();
          });
          var tip = document.getElementById('tooltip');
          function show(e) {
            var g = e.target.closest ? e.target.closest('g.step') : null;
            if (!g) { tip.hidden = true; return; }
            tip.textContent = g.querySelector('title').textContent;
            tip.hidden = false;
            var x = e.clientX + 14, y = e.clientY + 14;
            if (x + tip.offsetWidth + 8 - window.innerWidth > 0) x = Math.max(4, e.clientX - tip.offsetWidth - 14);
            if (y + tip.offsetHeight + 8 - window.innerHeight > 0) y = Math.max(4, e.clientY - tip.offsetHeight - 14);
            tip.style.left = x + 'px';
            tip.style.top = y + 'px';
          }
          Array.prototype.forEach.call(document.querySelectorAll('svg.timeline'), function (svg) {
            svg.addEventListener('mousemove', show);
            svg.addEventListener('mouseleave', function () { tip.hidden = true; });
          });
          Array.prototype.forEach.call(document.querySelectorAll('button.copy'), function (b) {
            b.addEventListener('click', function () {
              var text = document.getElementById(b.getAttribute('data-target')).textContent;
              function done() { b.textContent = 'copied'; setTimeout(function () { b.textContent = 'copy'; }, 1500); }
              if (navigator.clipboard) {
                navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
              } else { fallback(text); done(); }
            });
          });
          function fallback(text) {
            var ta = document.createElement('textarea');
            ta.value = text;
            body.appendChild(ta);
            ta.select();
            document.execCommand('copy');
            body.removeChild(ta);
          }
        })();
        """;
}
