using System.Buffers.Binary;
using System.IO.Compression;

namespace IrqVerify.Report.Tests;

/// <summary>Just enough PNG decoding to look at a browser screenshot: 8-bit RGB or RGBA,
/// non-interlaced, all five scanline filters.</summary>
internal sealed class Png
{
    public int Width { get; private init; }
    public int Height { get; private init; }
    private byte[] _pixels = [];
    private int _bpp;

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get { int i = (y * Width + x) * _bpp; return (_pixels[i], _pixels[i + 1], _pixels[i + 2]); }
    }

    public static bool HasSignature(byte[] data) =>
        data.Length > 8 && data.AsSpan(0, 8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 });

    public static Png Decode(byte[] data)
    {
        if (!HasSignature(data)) throw new FormatException("not a PNG");
        int pos = 8, width = 0, height = 0, colorType = -1;
        using var idat = new MemoryStream();
        while (pos + 8 <= data.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(data, pos + 4, 4);
            var body = data.AsSpan(pos + 8, len);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                if (body[8] != 8 || body[12] != 0) throw new FormatException("only 8-bit non-interlaced PNGs");
                colorType = body[9];
            }
            else if (type == "IDAT") idat.Write(body);
            else if (type == "IEND") break;
            pos += 12 + len;
        }
        int bpp = colorType switch { 2 => 3, 6 => 4, _ => throw new FormatException($"colour type {colorType}") };
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var src = raw.ToArray();
        int stride = width * bpp;
        var px = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            int f = src[y * (stride + 1)];
            var line = src.AsSpan(y * (stride + 1) + 1, stride);
            var cur = px.AsSpan(y * stride, stride);
            var prev = y > 0 ? px.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                int pred = f switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new FormatException($"filter {f}"),
                };
                cur[i] = (byte)(line[i] + pred);
            }
        }
        return new Png { Width = width, Height = height, _pixels = px, _bpp = bpp };
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
