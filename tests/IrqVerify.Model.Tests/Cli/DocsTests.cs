using System.Text.RegularExpressions;
using IrqVerify.Cli.Commands;

namespace IrqVerify.Model.Tests.Cli;

/// <summary>The documentation cannot drift from the code or point outside the repository.</summary>
public partial class DocsTests
{
    private static string Root()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "IrqVerify.sln"))) return d.FullName;
        throw new InvalidOperationException("IrqVerify.sln not found above the test assembly");
    }

    [Fact]
    public void The_catalogue_in_docs_model_md_is_the_output_of_irqverify_invariants()
    {
        string doc = File.ReadAllText(Path.Combine(Root(), "docs", "model.md"));
        var m = Catalogue().Match(doc);
        Assert.True(m.Success, "docs/model.md has no <!-- catalogue:begin --> ... <!-- catalogue:end --> section");
        Assert.Equal(ListCommands.CatalogueMarkdown(), m.Groups[1].Value);
    }

    [Fact]
    public void Every_relative_link_of_the_readme_and_docs_resolves_inside_the_repository()
    {
        string root = Root();
        var files = Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md"));
        var broken = new List<string>();
        foreach (var f in files)
            foreach (Match l in Link().Matches(File.ReadAllText(f)))
            {
                string target = l.Groups[1].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal)) continue;
                string full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(f)!, target));
                if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !(File.Exists(full) || Directory.Exists(full)))
                    broken.Add($"{Path.GetRelativePath(root, f)}: {target}");
            }
        Assert.Empty(broken);
    }

    [GeneratedRegex(@"<!-- catalogue:begin -->\n(.*?)<!-- catalogue:end -->", RegexOptions.Singleline)]
    private static partial Regex Catalogue();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
