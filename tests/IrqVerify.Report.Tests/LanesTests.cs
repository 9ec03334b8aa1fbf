namespace IrqVerify.Report.Tests;

public class LanesTests
{
    [Theory]
    [InlineData("cpu0:request_irq", -1, "cpu0")]
    [InlineData("cpu12:irq_set_affinity", 12, "cpu12")]
    [InlineData("vcpu1@cpu1", 1, "vcpu1")]
    [InlineData("vcpu0:xen_upcall", 0, "vcpu0")]
    [InlineData("interrupt", 2, "cpu2")]
    [InlineData("vector_cleanup_callback", 0, "cpu0")]
    [InlineData("dev1:pending", -1, "dev1")]
    [InlineData("env:xen_send", -1, "xen")]
    [InlineData("env:evtchn_close", -1, "xen")]
    [InlineData("env:something", -1, "env")]
    [InlineData("cpuhp", -1, "cpuhp")]
    public void Lane_of_a_thread(string thread, int cpu, string lane) =>
        Assert.Equal(lane, Lanes.Of(thread, cpu, ["dev0", "dev1"]));

    [Fact]
    public void An_environment_op_naming_a_device_goes_to_its_lane() =>
        Assert.Equal("dev1", Lanes.Of("env:msi_raise", -1, ["dev0", "dev1"], "msi_raise(dev1, 0)"));

    [Fact]
    public void Order_is_cpus_vcpus_devices_xen_others_quiescence() =>
        Assert.Equal(["cpu1", "cpu10", "vcpu0", "dev0", "dev1", "xen", "env", "quiescence"],
            Lanes.Order(["quiescence", "xen", "cpu10", "env", "dev1", "vcpu0", "cpu1", "dev0", "cpu1"], ["dev0", "dev1"]));
}
