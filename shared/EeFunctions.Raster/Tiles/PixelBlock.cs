using System.Buffers;
using System.Runtime.InteropServices;

namespace EeFunctions.Raster.Tiles;

/// <summary>
/// Pixels of a rectangle: all bands band-sequential in one buffer of the tileset's type, plus mask bands
/// (validity 0–255, 255 = fully valid) in another. Blocks made inside the tiler come from a buffer pool and go
/// back to it once written; blocks handed to callers own plain arrays.
/// </summary>
public sealed class PixelBlock
{
    private readonly bool _pooled;
    private byte[]? _data;
    private byte[]? _mask;

    public PixelBlock(int width, int height, int bandCount, RasterDataType dataType, int maskCount)
        : this(width, height, bandCount, dataType, maskCount, pooled: false)
    {
    }

    private PixelBlock(int width, int height, int bandCount, RasterDataType dataType, int maskCount, bool pooled)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegative(bandCount);
        ArgumentOutOfRangeException.ThrowIfNegative(maskCount);
        Width = width;
        Height = height;
        BandCount = bandCount;
        DataType = dataType;
        MaskCount = maskCount;
        DataLength = checked(width * height * bandCount * dataType.SizeInBytes());
        MaskLength = checked(width * height * maskCount);
        _pooled = pooled;
        _data = pooled ? ArrayPool<byte>.Shared.Rent(DataLength) : new byte[DataLength];
        _mask = pooled ? ArrayPool<byte>.Shared.Rent(MaskLength) : new byte[MaskLength];
    }

    public int Width { get; }

    public int Height { get; }

    public int BandCount { get; }

    public RasterDataType DataType { get; }

    public int MaskCount { get; }

    public int PixelCount => Width * Height;

    internal int DataLength { get; }

    internal int MaskLength { get; }

    /// <summary>All band values, band after band.</summary>
    public Span<byte> Data => (_data ?? throw Released()).AsSpan(0, DataLength);

    /// <summary>All mask bands, one after another.</summary>
    public Span<byte> Mask => (_mask ?? throw Released()).AsSpan(0, MaskLength);

    /// <summary>The bytes of one band.</summary>
    public Span<byte> BandBytes(int band)
    {
        var size = PixelCount * DataType.SizeInBytes();
        return Data.Slice(band * size, size);
    }

    /// <summary>One band as typed values.</summary>
    public Span<T> Band<T>(int band)
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(BandBytes(band));

    /// <summary>One mask band (index 0 when the mask is shared).</summary>
    public Span<byte> MaskBand(int mask) => Mask.Slice(mask * PixelCount, PixelCount);

    /// <summary>A block whose buffers come from the shared pool (contents undefined until written).</summary>
    internal static PixelBlock Rent(int width, int height, int bandCount, RasterDataType dataType, int maskCount) =>
        new(width, height, bandCount, dataType, maskCount, pooled: true);

    /// <summary>Gives pooled buffers back; the block must not be used afterwards. No-op for unpooled blocks.</summary>
    internal void Return()
    {
        if (!_pooled)
        {
            return;
        }

        if (_data is { } data)
        {
            ArrayPool<byte>.Shared.Return(data);
        }

        if (_mask is { } mask)
        {
            ArrayPool<byte>.Shared.Return(mask);
        }

        _data = null;
        _mask = null;
    }

    /// <summary>Copies a sub-rectangle of this block into a new block.</summary>
    public PixelBlock Crop(int x, int y, int width, int height) => CropInto(new PixelBlock(width, height, BandCount, DataType, MaskCount), x, y);

    internal PixelBlock CropPooled(int x, int y, int width, int height) => CropInto(Rent(width, height, BandCount, DataType, MaskCount), x, y);

    private PixelBlock CropInto(PixelBlock result, int x, int y)
    {
        var (width, height) = (result.Width, result.Height);
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

    private static ObjectDisposedException Released() => new(nameof(PixelBlock), "The block's buffers were returned to the pool.");
}
