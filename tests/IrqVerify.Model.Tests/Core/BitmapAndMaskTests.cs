using IrqVerify.Model.Core;

namespace IrqVerify.Model.Tests.Core;

public class BitmapAndMaskTests
{
    [Fact]
    public void FindNextZeroArea_returns_lowest_run_inside_window()
    {
        var b = new Bitmap256();
        b.Set(0x20); b.Set(0x22);
        Assert.Equal(0x21, b.FindNextZeroArea(0x20, 0xeb, 1));
        Assert.Equal(0x23, b.FindNextZeroArea(0x20, 0xeb, 2));
    }

    [Fact]
    public void FindNextZeroArea_aligned_block_skips_to_power_of_two_boundary()
    {
        var b = new Bitmap256();
        b.Set(0x21);
        // 8 aligned slots: 0x20 is blocked by 0x21, next aligned base is 0x28.
        Assert.Equal(0x28, b.FindNextZeroArea(0x20, 0xeb, 8, alignLog2: 3));
        Assert.Equal(0x22, b.FindNextZeroArea(0x20, 0xeb, 6));
    }

    [Fact]
    public void FindNextZeroArea_reports_failure_as_end()
    {
        var b = Bitmap256.Range(0x20, 0x30);
        Assert.Equal(0x30, b.FindNextZeroArea(0x20, 0x30, 1));
    }

    [Fact]
    public void Popcount_and_highest_set()
    {
        var b = new Bitmap256();
        b.Set(3); b.Set(200); b.Set(64);
        Assert.Equal(3, b.PopCount);
        Assert.Equal(200, b.HighestSet());
        Assert.Equal(64, b.NextSet(4));
        b.Clear(200);
        Assert.Equal(64, b.HighestSet());
        Assert.Equal("0x3,0x40", b.ToString());
    }

    [Fact]
    public void CpuMask_parses_and_prints_kernel_cpulists()
    {
        Assert.True(CpuMask.TryParse("{0-2,5}", out var m));
        Assert.Equal(0b100111UL, m.Bits);
        Assert.Equal("{0-2,5}", m.ToString());
        Assert.True(CpuMask.TryParse("{}", out var e));
        Assert.True(e.IsEmpty);
        Assert.False(CpuMask.TryParse("{3-1}", out _));
        Assert.False(CpuMask.TryParse("{64}", out _));
        Assert.Equal(5, m.Last);
        Assert.Equal(0, m.First);
    }

    [Fact]
    public void StateHasher_is_stable_across_processes()
    {
        var h = new StateHasher();
        h.Add(1); h.Add("irq");
        // FNV-1a is fixed: this value must never change (state caches and corpora depend on it).
        Assert.Equal(StableValue(), h.Value);
        static ulong StableValue()
        {
            ulong x = 14695981039346656037UL;
            foreach (byte b in new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, (byte)'i', 0, 0, 0, 0, 0, 0, 0, (byte)'r', 0, 0, 0, 0, 0, 0, 0, (byte)'q', 0, 0, 0, 0, 0, 0, 0 })
            { x ^= b; x *= 1099511628211UL; }
            return x;
        }
    }
}
