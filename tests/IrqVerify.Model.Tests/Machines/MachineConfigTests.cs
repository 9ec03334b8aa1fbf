namespace IrqVerify.Model.Tests.Machines;

public class MachineConfigTests
{
    private static string MachinesDir => Path.Combine(AppContext.BaseDirectory, "machines");

    [Fact]
    public void Shipped_default_json_is_the_built_in_default()
    {
        var shipped = MachineConfig.Load(Path.Combine(MachinesDir, "default.json"));
        Assert.Equal(MachineConfig.Default().ToJson(), shipped.ToJson());
    }

    [Fact]
    public void Every_shipped_machine_validates_and_boots()
    {
        var files = Directory.GetFiles(MachinesDir, "*.json");
        Assert.True(files.Length >= 3);
        foreach (string f in files)
        {
            var cfg = MachineConfig.Load(f);
            var m = new IrqVerify.Model.Machine(cfg);
            Assert.Equal(cfg.Cpus, m.Config.Cpus);
        }
    }

    [Theory]
    [InlineData("{ \"cpus\": 0 }", "cpus must be in 1..64")]
    [InlineData("{ \"vectorStart\": 16 }", "vector window")]
    [InlineData("{ \"devices\": [ { \"name\": \"a\", \"msi\": { \"mmc\": 6 } } ] }", "a: msi.mmc must be in 0..5")]
    [InlineData("{ \"devices\": [ { \"name\": \"a\", \"remapped\": true } ] }", "remapped device on a machine without remapping")]
    [InlineData("{ \"xen\": { \"abi\": \"3l\" } }", "xen.abi must be")]
    [InlineData("{ \"variants\": [ \"K0\" ] }", "unknown variant 'K0'")]
    public void Invalid_values_are_rejected_with_the_field_named(string json, string message)
    {
        var e = Assert.Throws<ModelInputException>(() => MachineConfig.Parse(json, "m.json"));
        Assert.Contains(message, e.Problem);
        Assert.Equal("m.json", e.File);
    }

    [Fact]
    public void Malformed_json_names_line_and_column()
    {
        var e = Assert.Throws<ModelInputException>(() => MachineConfig.Parse("{\n  \"cpus\": 4,\n  \"cpus2\" 5\n}", "m.json"));
        Assert.Equal(3, e.Line);
        Assert.True(e.Column > 1);
    }

    [Fact]
    public void Variants_parse_by_name()
    {
        var v = new Variants();
        Assert.True(v.TryEnable("k10"));
        // Seed 001 is a design now (--design contiguous-multi-msi), not a variant.
        Assert.False(v.TryEnable("contiguous-multi-msi"));
        Assert.False(v.TryEnable("K16"));
        Assert.True(v.K10);
        Assert.False(v.K9);
        Assert.Equal("K10", v.ToString());
    }
}
