using System.Runtime.InteropServices;
using EeFunctions.App.EarthEngine.Compute;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.App.EarthEngine.Export;

/// <summary>
/// Computes an image's bands on a grid into a block of the export's pixel type: values cast the Earth Engine way
/// (integers truncated and saturated), masked pixels set to the fill value, one mask per band.
/// </summary>
public static class ImageRenderer
{
    public static async Task<PixelBlock> RenderAsync(EeImage image, TargetGrid grid, RasterDataType type, double fill, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(grid);
        var session = new ComputeSession(grid, cancellationToken);
        var block = new PixelBlock(grid.Width, grid.Height, image.Bands.Count, type, image.Bands.Count);
        var target = PixelType.Of(type);
        for (var b = 0; b < image.Bands.Count; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pixels = await session.PixelsAsync(image.Bands[b]);
            pixels.Mask.CopyTo(block.MaskBand(b));
            Write(block.BandBytes(b), type, target, pixels, fill);
        }

        return block;
    }

    /// <summary>Whether any pixel of any band is unmasked.</summary>
    public static bool HasData(PixelBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Mask.IndexOfAnyExcept((byte)0) >= 0;
    }

    private static void Write(Span<byte> bytes, RasterDataType type, PixelType target, BandPixels pixels, double fill)
    {
        var values = pixels.Values;
        var mask = pixels.Mask;
        double Value(int i) => mask[i] == 0 ? fill : BandMath.Cast(values[i], target);
        switch (type)
        {
            case RasterDataType.Byte:
                for (var i = 0; i < values.Length; i++)
                {
                    bytes[i] = (byte)Value(i);
                }

                break;
            case RasterDataType.UInt16:
                Fill(MemoryMarshal.Cast<byte, ushort>(bytes), values.Length, i => (ushort)Value(i));
                break;
            case RasterDataType.Int16:
                Fill(MemoryMarshal.Cast<byte, short>(bytes), values.Length, i => (short)Value(i));
                break;
            case RasterDataType.UInt32:
                Fill(MemoryMarshal.Cast<byte, uint>(bytes), values.Length, i => (uint)Value(i));
                break;
            case RasterDataType.Int32:
                Fill(MemoryMarshal.Cast<byte, int>(bytes), values.Length, i => (int)Value(i));
                break;
            case RasterDataType.Float32:
                Fill(MemoryMarshal.Cast<byte, float>(bytes), values.Length, i => (float)Value(i));
                break;
            case RasterDataType.Float64:
                Fill(MemoryMarshal.Cast<byte, double>(bytes), values.Length, Value);
                break;
            default:
                throw new NotSupportedException($"Pixel type {type} is not supported.");
        }
    }

    private static void Fill<T>(Span<T> target, int length, Func<int, T> value)
    {
        for (var i = 0; i < length; i++)
        {
            target[i] = value(i);
        }
    }
}
