namespace IrqVerify.Model.Tests.Cli;

public class CliTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = IrqVerify.Cli.Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static string Temp(string name, string text)
    {
        string dir = Path.Combine(Path.GetTempPath(), "irqverify-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Bad_program_exits_2_with_one_line_naming_file_line_column()
    {
        string f = Temp("bad.irq", "# ok\nrequest_irq(irqx)\n");
        var (code, _, err) = Cli("run", f);
        Assert.Equal(2, code);
        Assert.Equal($"{f}:2:13: irq: undefined variable 'irqx'", err.Trim());
    }

    [Fact]
    public void Bad_machine_json_exits_2_naming_line_and_column()
    {
        string prog = Temp("p.irq", "request_irq(40)\n");
        string machine = Temp("m.json", "{\n  \"cpus\": 4,\n  \"bogus\": 1\n}\n");
        var (code, _, err) = Cli("run", prog, "--machine", machine);
        Assert.Equal(2, code);
        Assert.StartsWith($"{machine}:3:", err.Trim());
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void Out_of_range_machine_value_is_reported()
    {
        string prog = Temp("p.irq", "request_irq(40)\n");
        string machine = Temp("m.json", "{ \"cpus\": 99 }");
        var (code, _, err) = Cli("run", prog, "--machine", machine);
        Assert.Equal(2, code);
        Assert.Contains("cpus must be in 1..64, got 99", err);
    }

    [Fact]
    public void Unknown_variant_and_missing_file_exit_2()
    {
        string prog = Temp("p.irq", "request_irq(40)\n");
        Assert.Equal(2, Cli("run", prog, "--variant", "K16").Code);
        Assert.Equal(2, Cli("run", prog + ".missing").Code);
        Assert.Equal(2, Cli("frobnicate").Code);
    }

    [Fact]
    public void Clean_program_exits_0_and_prints_trace()
    {
        string prog = Temp("p.irq", "request_irq(40)\n");
        var (code, o, _) = Cli("run", prog);
        Assert.Equal(0, code);
        Assert.Contains("1  request_irq(40)", o);
        Assert.Contains("-> -EINVAL", o);
        Assert.Contains("OK: 1 operations", o);
    }
}
