using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using EeFunctions.App.EarthEngine.Compute;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.App.EarthEngine.Export;

/// <summary>
/// Computes an image's bands on a grid into a block of the export's pixel type: values converted in SIMD the Earth
/// Engine way (integers truncated toward zero and saturated), masked pixels set to the fill value, one mask per band.
/// </summary>
public static class ImageRenderer
{
    public static async Task<PixelBlock> RenderAsync(EeImage image, TargetGrid grid, RasterDataType type, double fill, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(grid);
        var session = new ComputeSession(grid, cancellationToken);
        var block = new PixelBlock(grid.Width, grid.Height, image.Bands.Count, type, image.Bands.Count);
        for (var b = 0; b < image.Bands.Count; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pixels = await session.PixelsAsync(image.Bands[b]);
            pixels.Mask.CopyTo(block.MaskBand(b));
            Write(block.BandBytes(b), type, pixels, fill);
        }

        return block;
    }

    /// <summary>Whether any pixel of any band is unmasked.</summary>
    public static bool HasData(PixelBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Mask.IndexOfAnyExcept((byte)0) >= 0;
    }

    private static void Write(Span<byte> bytes, RasterDataType type, BandPixels pixels, double fill)
    {
        var values = pixels.Values;
        switch (type)
        {
            case RasterDataType.Byte:
                TensorPrimitives.ConvertSaturating<double, byte>(values, bytes);
                Fill(bytes, pixels.Mask, (byte)fill);
                break;
            case RasterDataType.UInt16:
                TensorPrimitives.ConvertSaturating<double, ushort>(values, MemoryMarshal.Cast<byte, ushort>(bytes));
                Fill(MemoryMarshal.Cast<byte, ushort>(bytes), pixels.Mask, (ushort)fill);
                break;
            case RasterDataType.Int16:
                TensorPrimitives.ConvertSaturating<double, short>(values, MemoryMarshal.Cast<byte, short>(bytes));
                Fill(MemoryMarshal.Cast<byte, short>(bytes), pixels.Mask, (short)fill);
                break;
            case RasterDataType.UInt32:
                TensorPrimitives.ConvertSaturating<double, uint>(values, MemoryMarshal.Cast<byte, uint>(bytes));
                Fill(MemoryMarshal.Cast<byte, uint>(bytes), pixels.Mask, (uint)fill);
                break;
            case RasterDataType.Int32:
                TensorPrimitives.ConvertSaturating<double, int>(values, MemoryMarshal.Cast<byte, int>(bytes));
                Fill(MemoryMarshal.Cast<byte, int>(bytes), pixels.Mask, (int)fill);
                break;
            case RasterDataType.Float32:
                TensorPrimitives.ConvertTruncating<double, float>(values, MemoryMarshal.Cast<byte, float>(bytes));
                Fill(MemoryMarshal.Cast<byte, float>(bytes), pixels.Mask, (float)fill);
                break;
            case RasterDataType.Float64:
                values.CopyTo(MemoryMarshal.Cast<byte, double>(bytes));
                Fill(MemoryMarshal.Cast<byte, double>(bytes), pixels.Mask, fill);
                break;
            default:
                throw new NotSupportedException($"Pixel type {type} is not supported.");
        }
    }

    /// <summary>Masked pixels get the fill value (the saturating conversion above truncates toward zero, as Earth Engine's casts do).</summary>
    private static void Fill<T>(Span<T> target, byte[] mask, T fill)
    {
        for (var i = mask.AsSpan().IndexOf((byte)0); i >= 0 && i < mask.Length; i++)
        {
            if (mask[i] == 0)
            {
                target[i] = fill;
            }
        }
    }
}
