using System.Runtime.InteropServices;

namespace EeFunctions.Raster.Tiles;

/// <summary>
/// Pixels of a rectangle: all bands band-sequential in one buffer of the tileset's type, plus mask bands
/// (validity 0–255, 255 = fully valid) in another.
/// </summary>
public sealed class PixelBlock
{
    public PixelBlock(int width, int height, int bandCount, RasterDataType dataType, int maskCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        BandCount = bandCount;
        DataType = dataType;
        MaskCount = maskCount;
        Data = new byte[checked((long)width * height * bandCount * dataType.SizeInBytes())];
        Mask = new byte[checked((long)width * height * maskCount)];
    }

    public int Width { get; }

    public int Height { get; }

    public int BandCount { get; }

    public RasterDataType DataType { get; }

    public int MaskCount { get; }

    public int PixelCount => Width * Height;

#pragma warning disable CA1819 // Raw buffers handed to GDAL and to span code on purpose.
    public byte[] Data { get; }

    public byte[] Mask { get; }
#pragma warning restore CA1819

    /// <summary>The bytes of one band.</summary>
    public Span<byte> BandBytes(int band)
    {
        var size = PixelCount * DataType.SizeInBytes();
        return Data.AsSpan(band * size, size);
    }

    /// <summary>One band as typed values.</summary>
    public Span<T> Band<T>(int band)
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(BandBytes(band));

    /// <summary>One mask band (index 0 when the mask is shared).</summary>
    public Span<byte> MaskBand(int mask) => Mask.AsSpan(mask * PixelCount, PixelCount);

    /// <summary>Copies a sub-rectangle of this block into a new block.</summary>
    public PixelBlock Crop(int x, int y, int width, int height)
    {
        var result = new PixelBlock(width, height, BandCount, DataType, MaskCount);
        var size = DataType.SizeInBytes();
        for (var b = 0; b < BandCount; b++)
        {
            var source = BandBytes(b);
            var target = result.BandBytes(b);
            for (var row = 0; row < height; row++)
            {
                source.Slice(((y + row) * Width + x) * size, width * size).CopyTo(target.Slice(row * width * size));
            }
        }

        for (var m = 0; m < MaskCount; m++)
        {
            var source = MaskBand(m);
            var target = result.MaskBand(m);
            for (var row = 0; row < height; row++)
            {
                source.Slice((y + row) * Width + x, width).CopyTo(target.Slice(row * width));
            }
        }

        return result;
    }
}
