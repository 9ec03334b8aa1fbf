using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using IrqVerify.Cli;

namespace IrqVerify.Verify.Tests;

/// <summary>Reads a JUnit file back the way a CI server does: validated against junit.xsd (the
/// Jenkins/Surefire shape), its counts checked against its elements.</summary>
public static class JUnitFile
{
    public static XDocument Load(string path)
    {
        Assert.True(File.Exists(path), $"no JUnit file at {path}");
        var schemas = new XmlSchemaSet();
        schemas.Add(null, Path.Combine(AppContext.BaseDirectory, "junit.xsd"));
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity}: {e.Message} (line {e.Exception?.LineNumber})");
        XDocument doc;
        using (var reader = XmlReader.Create(path, settings)) doc = XDocument.Load(reader);
        Assert.Empty(errors);
        var root = doc.Root!;
        Assert.Equal("testsuites", root.Name.LocalName);
        foreach (var suite in root.Elements("testsuite"))
        {
            Assert.Equal(suite.Elements("testcase").Count(), (int)suite.Attribute("tests")!);
            Assert.Equal(suite.Elements("testcase").Count(c => c.Elements("failure").Any()), (int)suite.Attribute("failures")!);
        }
        Assert.Equal(root.Descendants("testcase").Count(), (int)root.Attribute("tests")!);
        Assert.Equal(root.Descendants("testcase").Count(c => c.Elements("failure").Any()), (int)root.Attribute("failures")!);
        return doc;
    }

    public static List<XElement> Cases(XDocument d) => d.Descendants("testcase").ToList();

    public static List<XElement> Failures(XDocument d) => d.Descendants("failure").ToList();

    public static string Property(XElement suite, string name) =>
        suite.Element("properties")!.Elements("property").Single(p => (string)p.Attribute("name")! == name).Attribute("value")!.Value;

    public static (int Code, string Out, string Err) Irq(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "irqverify-ci-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }
}
