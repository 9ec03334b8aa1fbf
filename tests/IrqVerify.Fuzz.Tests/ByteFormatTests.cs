using IrqVerify.Fuzz;
using IrqVerify.Model;
using IrqVerify.Model.Program;

namespace IrqVerify.Fuzz.Tests;

public class ByteFormatTests
{
    [Fact]
    public void Every_byte_string_decodes_to_a_program_that_parses_back_identically()
    {
        for (ulong s = 1; s <= 300; s++)
        {
            var p = ByteFormat.Decode(Kit.RandomBytes(s, (int)(s % 97)), Kit.Table);
            string text = p.Print(Kit.Table);
            var back = FuzzProgram.From(ProgramParser.Parse(text, "t", Kit.Table.Machine), Kit.Table);
            Assert.Equal(p.ToString(), back.ToString());
            Assert.Equal(text, back.Print(Kit.Table));
        }
    }

    [Fact]
    public void Encode_then_decode_is_the_identity_on_decoded_programs()
    {
        for (ulong s = 1; s <= 300; s++)
        {
            var p = ByteFormat.Decode(Kit.RandomBytes(s, 80), Kit.Table);
            var bytes = ByteFormat.Encode(p, Kit.Table);
            Assert.NotNull(bytes);
            Assert.Equal(p.ToString(), ByteFormat.Decode(bytes, Kit.Table).ToString());
        }
    }

    /// <summary>The op table leaves out the peer suites' harness operations, so no byte string decodes
    /// to one, and a hand-written input naming one is refused with its line and the reason.</summary>
    [Fact]
    public void The_op_table_has_no_peer_suite_harness_operation()
    {
        Assert.DoesNotContain(Kit.Table.Ops, o => o.PeerHarness);
        Assert.Equal(-1, Kit.Table.IndexOf("xen_host_set_mask"));
        Assert.True(Kit.Table.IsHarness("irq_startup_managed"));
        var prog = ProgramParser.Parse("irq = vector_alloc({0}, managed)\nirq_startup_managed(irq)\n", "h.irq", Kit.Table.Machine);
        var e = Assert.Throws<ModelInputException>(() => FuzzProgram.From(prog, Kit.Table, "h.irq"));
        Assert.StartsWith("h.irq:2:", e.Message);
        Assert.Contains("peer-suite harness operation", e.Message);
    }

    [Fact]
    public void Example_programs_encode_and_decode_to_the_same_calls()
    {
        int encoded = 0;
        foreach (var f in Directory.GetFiles(Kit.ExamplesDir, "*.irq"))
        {
            var prog = ProgramParser.Parse(File.ReadAllText(f), f, Kit.Table.Machine);
            var fp = FuzzProgram.From(prog, Kit.Table, f);
            var bytes = ByteFormat.Encode(fp, Kit.Table);
            Assert.NotNull(bytes);
            var back = ByteFormat.Decode(bytes, Kit.Table);
            Assert.Equal(fp.ToString(), back.ToString());
            Assert.Equal(prog.CallCount, back.Calls.Count);
            encoded++;
        }
        Assert.Equal(6, encoded);
    }

    [Fact]
    public void Resources_are_chosen_by_index_into_the_live_set()
    {
        int alloc = Kit.Table.IndexOf("vector_alloc"), req = Kit.Table.IndexOf("request_irq");
        // vector_alloc({0}, none); vector_alloc({1}, managed); request_irq(live[3 % 2] = call 1); request_irq(literal escape 0xF8 = -1)
        var p = ByteFormat.Decode([(byte)alloc, 0x01, 0, (byte)alloc, 0x02, 1, (byte)req, 3, (byte)req, 0xF8], Kit.Table);
        Assert.Equal(4, p.Calls.Count);
        Assert.Equal(1, p.Calls[2].Refs[0]);
        Assert.Equal(-1, p.Calls[3].Refs[0]);
        Assert.Equal(-1, p.Calls[3].Values[0]);
        Assert.Equal("irq0 = vector_alloc({0}, none)\nirq1 = vector_alloc({1}, managed)\nrequest_irq(irq1)\nrequest_irq(-1)\n", p.Print(Kit.Table));
    }

    [Fact]
    public void A_control_byte_opens_a_parallel_group_whose_results_are_usable_only_after_it()
    {
        int alloc = Kit.Table.IndexOf("vector_alloc"), req = Kit.Table.IndexOf("request_irq");
        // group of 2, schedule [1,0,1]: vector_alloc, request_irq(no live irq yet -> literal); then request_irq(irq1)
        var p = ByteFormat.Decode([0xF0, 3, 1, 0, 1, (byte)alloc, 1, 0, (byte)req, 0, (byte)req, 0], Kit.Table);
        Assert.Single(p.Groups);
        Assert.Equal([1, 0, 1], p.Groups[0].Schedule);
        Assert.Equal(-1, p.Calls[1].Refs[0]);
        Assert.Equal(0, p.Calls[2].Refs[0]);
        Assert.StartsWith("#@parallel 2 schedule=1,0,1\n", p.Print(Kit.Table));
        Assert.Empty(ByteFormat.Decode([0xF0, 3, 1, 0, 1], Kit.Table, groups: false).Groups);
    }

    [Fact]
    public void Missing_bytes_read_as_zero_and_programs_stop_at_the_call_limit()
    {
        var p = ByteFormat.Decode([(byte)Kit.Table.IndexOf("pci_alloc_irq_vectors")], Kit.Table);
        Assert.Equal("n0 = pci_alloc_irq_vectors(dev0, 0, 0, msix)\n", p.Print(Kit.Table));
        Assert.Equal(ByteFormat.MaxCalls, ByteFormat.Decode(new byte[1000], Kit.Table).Calls.Count);
    }

    [Fact]
    public void Values_without_a_byte_form_are_refused_by_the_encoder()
    {
        var p = ByteFormat.Decode([(byte)Kit.Table.IndexOf("pci_alloc_irq_vectors"), 0, 1, 1, 1], Kit.Table);
        p.Calls[0].Values[1] = 1000;
        Assert.Null(ByteFormat.Encode(p, Kit.Table));
    }
}
