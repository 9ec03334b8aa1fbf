using System.Globalization;

namespace IrqVerify.Report;

/// <summary>
/// Which timeline lane a model thread belongs to, from its name and CPU: "vcpuN..." (Xen vCPU
/// threads "vcpu1@cpu1", "vcpu0:xen_upcall") → "vcpuN"; "cpuN:..." → "cpuN"; another thread on a
/// CPU ("interrupt", "vector_cleanup_callback") → "cpuN"; an environment actor → its device name
/// ("dev0:pending") or "xen" or "env". Lanes are shown CPUs first, then vCPUs, devices, the
/// hypervisor, the rest, and the quiescence lane last.
/// </summary>
public static class Lanes
{
    public const string Quiescence = "quiescence";

    /// <param name="thread">The model thread's name.</param>
    /// <param name="cpu">Its CPU, or -1 for an environment actor / unknown.</param>
    /// <param name="devices">Device names of the machine (an environment op naming one goes to its lane).</param>
    /// <param name="context">The operation text the thread runs, when known (program runs).</param>
    public static string Of(string thread, int cpu, IReadOnlyList<string>? devices = null, string? context = null)
    {
        if (Numbered(thread, "vcpu") is { } v) return v;
        if (Numbered(thread, "cpu") is { } c) return c;
        if (cpu >= 0) return "cpu" + cpu.ToString(CultureInfo.InvariantCulture);
        string head = thread;
        int colon = thread.IndexOf(':');
        if (colon > 0) head = thread[..colon];
        int at = head.IndexOf('@');
        if (at > 0) head = head[..at];
        if (devices is not null)
        {
            foreach (var d in devices) if (head == d) return d;
            if (context is not null)
                foreach (var d in devices) if (MentionsWord(context, d)) return d;
        }
        string op = colon > 0 ? thread[(colon + 1)..] : thread;
        if (op.StartsWith("xen", StringComparison.Ordinal) || op.StartsWith("evtchn", StringComparison.Ordinal) || head == "xen") return "xen";
        return head.Length > 0 ? head : "env";
    }

    /// <summary>"vcpu1@cpu1" / "vcpu1:op" / "vcpu1" → "vcpu1" for prefix "vcpu"; null if it does not apply.</summary>
    private static string? Numbered(string name, string prefix)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return null;
        int i = prefix.Length;
        while (i < name.Length && char.IsAsciiDigit(name[i])) i++;
        if (i == prefix.Length) return null;
        if (i < name.Length && name[i] is not (':' or '@' or '(' or ' ')) return null;
        return name[..i];
    }

    private static bool MentionsWord(string text, string word)
    {
        int i = 0;
        while ((i = text.IndexOf(word, i, StringComparison.Ordinal)) >= 0)
        {
            bool startOk = i == 0 || !char.IsAsciiLetterOrDigit(text[i - 1]);
            int end = i + word.Length;
            bool endOk = end == text.Length || !char.IsAsciiLetterOrDigit(text[end]);
            if (startOk && endOk) return true;
            i = end;
        }
        return false;
    }

    /// <summary>Display order: cpuN by N, vcpuN by N, devices in machine order, xen, others by first
    /// appearance, the quiescence lane last.</summary>
    public static List<string> Order(IEnumerable<string> seen, IReadOnlyList<string>? devices = null)
    {
        var distinct = new List<string>();
        foreach (var l in seen) if (!distinct.Contains(l)) distinct.Add(l);
        int Rank(string l, out int sub)
        {
            sub = 0;
            if (Numbered(l, "cpu") == l) { sub = int.Parse(l.AsSpan(3), CultureInfo.InvariantCulture); return 0; }
            if (Numbered(l, "vcpu") == l) { sub = int.Parse(l.AsSpan(4), CultureInfo.InvariantCulture); return 1; }
            if (devices is not null && (sub = IndexOf(devices, l)) >= 0) return 2;
            sub = distinct.IndexOf(l);
            return l == "xen" ? 3 : l == Quiescence ? 5 : 4;
        }
        return distinct
            .Select(l => (l, rank: Rank(l, out int sub), sub))
            .OrderBy(x => x.rank).ThenBy(x => x.sub)
            .Select(x => x.l).ToList();
    }

    private static int IndexOf(IReadOnlyList<string> list, string s)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == s) return i;
        return -1;
    }
}
