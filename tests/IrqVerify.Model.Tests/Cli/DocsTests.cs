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

    [GeneratedRegex(@"<!-- catalogue:begin -->\n(.*?)<!-- catalogue:end -->", RegexOptions.Singleline)]
    private static partial Regex Catalogue();
}
