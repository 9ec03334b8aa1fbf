using System.Text;
using IrqVerify.Model.Core;

namespace IrqVerify.Explorer;

/// <summary>
/// Records a replayed schedule as rows (one per step: the thread, the point it resumed from, the
/// point it reached and the model's effects) and prints a per-CPU timeline: one column per CPU /
/// vCPU and one per environment actor (device, hypervisor).
/// </summary>
public sealed class Timeline : ITraceSink
{
    private readonly Scenario _s;
    private readonly List<string> _effects = new();
    private int _pending = -1;
    private string _from = "";

    public sealed record Row(int Step, int Thread, string From, string To, IReadOnlyList<string> Effects);

    public List<Row> Rows { get; } = new();
    /// <summary>Effects of the drain at quiescence (deliveries, timers, EOIs).</summary>
    public List<string> DrainEffects { get; } = new();

    public Timeline(Scenario s) => _s = s;

    /// <summary>Hooks a runner: its machine traces here, and each step is announced first.</summary>
    public void Attach(ScheduleRunner r)
    {
        r.Trace = this;
        r.BeforeStep = (t, point) =>
        {
            _effects.Clear();
            _pending = t;
            _from = point;
        };
    }

    public void Step(string thread, string point)
    {
        if (_pending >= 0)
        {
            Rows.Add(new Row(Rows.Count + 1, _pending, _from, point, _effects.ToArray()));
            _pending = -1;
        }
        else if (Rows.Count > 0 && _effects.Count > 0)
            DrainEffects.Add($"[{thread}] " + string.Join("; ", _effects));
        _effects.Clear();
    }

    public void Effect(string text) => _effects.Add(text);

    /// <summary>Drops what setup traced (called after the reset, before the first step).</summary>
    public void Clear() { Rows.Clear(); DrainEffects.Clear(); _effects.Clear(); _pending = -1; }

    /// <summary>One column per CPU/vCPU and environment actor; a row per step ("thread: from -> to"),
    /// the step's effects below it in the same column; the drain's effects at the end.</summary>
    public string Print(int maxWidth = 64)
    {
        var columns = _s.Threads.Select(t => t.Column).Distinct().ToList();
        var texts = Rows.Select(r =>
        {
            var t = _s.Threads[r.Thread];
            string from = r.From == "start" ? t.Ops[0].Spec.Name : r.From;
            return $"{t.Name}: {from} -> {r.To}";
        }).ToList();
        var widths = columns.Select(c => Math.Max(c.Length, 8)).ToArray();
        for (int i = 0; i < Rows.Count; i++)
        {
            int col = columns.IndexOf(_s.Threads[Rows[i].Thread].Column);
            widths[col] = Math.Min(maxWidth, Math.Max(widths[col], texts[i].Length));
        }
        var sb = new StringBuilder();
        sb.Append("step ");
        for (int i = 0; i < columns.Count; i++) sb.Append(Cell(columns[i], widths[i])).Append(" | ");
        sb.Append('\n');
        sb.Append(new string('-', 5 + widths.Sum(w => w + 3))).Append('\n');
        for (int r = 0; r < Rows.Count; r++)
        {
            var row = Rows[r];
            int col = columns.IndexOf(_s.Threads[row.Thread].Column);
            sb.Append($"{row.Step,4} ");
            for (int i = 0; i < columns.Count; i++) sb.Append(Cell(i == col ? texts[r] : "", widths[i])).Append(" | ");
            sb.Append('\n');
            int indent = 5 + widths.Take(col).Sum(w => w + 3);
            foreach (var e in row.Effects) sb.Append(' ', indent).Append("  * ").Append(e).Append('\n');
        }
        if (DrainEffects.Count > 0)
        {
            sb.Append("drain (quiescence):\n");
            foreach (var d in DrainEffects) sb.Append("  ").Append(d).Append('\n');
        }
        return sb.ToString();
    }

    private static string Cell(string s, int w) => s.Length > w ? s[..(w - 1)] + "…" : s.PadRight(w);
}
