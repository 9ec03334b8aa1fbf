using IrqVerify.Traces.Record;

namespace IrqVerify.Traces.Tests;

/// <summary>The recorder never unbinds a block, network or vsock device (fake sysfs trees in a temp dir).</summary>
public sealed class RecorderSafetyTests : IDisposable
{
    private readonly List<string> _files = new();

    public void Dispose() => TraceKit.Delete(_files);

    private string FakeDevice(string cls, string vendor, string device, params string[] children)
    {
        string dir = Path.Combine(Path.GetTempPath(), "irqverify-fake-pci-" + Guid.NewGuid().ToString("N"), "0000:00:09.0");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "class"), cls + "\n");
        File.WriteAllText(Path.Combine(dir, "vendor"), vendor + "\n");
        File.WriteAllText(Path.Combine(dir, "device"), device + "\n");
        foreach (var c in children) Directory.CreateDirectory(Path.Combine(dir, c));
        _files.Add(dir);
        return dir;
    }

    [Fact]
    public void Virtio_rng_and_balloon_are_safe()
    {
        Assert.Null(SafeDevice.Refusal(FakeDevice("0xffff00", "0x1af4", "0x1044", "virtio4")));
        Assert.Null(SafeDevice.Refusal(FakeDevice("0xffff00", "0x1af4", "0x1045", "virtio0")));
    }

    [Fact]
    public void Storage_and_network_classes_are_refused()
    {
        Assert.Equal("class 0x010000 is a storage controller", SafeDevice.Refusal(FakeDevice("0x010000", "0x8086", "0x1234")));
        Assert.Equal("class 0x020000 is a network controller", SafeDevice.Refusal(FakeDevice("0x020000", "0x8086", "0x1234")));
    }

    [Theory]
    [InlineData("0x1042")] // virtio-blk
    [InlineData("0x1041")] // virtio-net
    [InlineData("0x1053")] // virtio-vsock
    public void Virtio_block_network_and_vsock_are_refused(string id)
    {
        Assert.Equal($"virtio device {id} is a block, network or vsock device", SafeDevice.Refusal(FakeDevice("0xffff00", "0x1af4", id)));
    }

    [Fact]
    public void A_device_carrying_a_block_or_net_child_is_refused()
    {
        var dir = FakeDevice("0xffff00", "0x1234", "0x0001", Path.Combine("virtio9", "block"));
        Assert.Equal($"it carries a block device ({Path.Combine(dir, "virtio9", "block")})", SafeDevice.Refusal(dir));
        var net = FakeDevice("0xffff00", "0x1234", "0x0001", Path.Combine("virtio9", "net"));
        Assert.StartsWith("it carries a net device", SafeDevice.Refusal(net));
    }

    [Fact]
    public void Cpu_lists_and_masks_parse()
    {
        Assert.Equal([0, 1, 4], TraceRecorder.ParseList("0-1,4"));
        Assert.Equal([0, 1], TraceRecorder.ParseHexMask("3"));
        Assert.Equal([0, 33], TraceRecorder.ParseHexMask("00000002,00000001"));
        Assert.True(TraceRecorder.AtLeast("6.18.44-fc-v1045", 6, 10));
        Assert.False(TraceRecorder.AtLeast("6.9.1", 6, 10));
    }

    [Fact]
    public void A_device_that_is_not_a_pci_address_is_refused_before_anything_runs()
    {
        var e = Assert.Throws<RecordException>(() => SafeDevice.Find("../../../dev"));
        Assert.Equal("--device ../../../dev: expected a PCI address like 0000:00:05.0", e.Message);
    }

    [Fact]
    public void An_unknown_workload_is_bad_input()
    {
        var (code, _, err) = TraceKit.Cli("trace", "record", "--workload", "hotplug");
        Assert.Equal(2, code);
        Assert.Equal("--workload: unknown 'hotplug' (known: rebind, affinity)" + Environment.NewLine, err);
    }
}
