namespace IrqVerify.Report;

/// <summary>
/// A table the HTML report shows after the summary (compare: the side-by-side capacity figures, the
/// behavioural differences). Rows flagged in <see cref="RowDiffers"/> are highlighted and make the
/// report not clean; <see cref="Blocks"/> are shown under the table (programs, replay lines).
/// </summary>
public sealed class ReportTable
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required IReadOnlyList<string> Headers { get; init; }
    public List<IReadOnlyList<string>> Rows { get; } = new();
    public List<bool> RowDiffers { get; } = new();
    public List<ReportBlock> Blocks { get; } = new();

    public bool Differs => RowDiffers.Any(d => d);

    public void Add(bool differs, params string[] cells)
    {
        Rows.Add(cells);
        RowDiffers.Add(differs);
    }
}

/// <summary>A titled block of text under a table.</summary>
public sealed record ReportBlock(string Heading, string Text);
