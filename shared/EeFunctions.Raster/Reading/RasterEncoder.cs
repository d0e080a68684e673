using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using EeFunctions.Raster.Gdal;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.Raster.Reading;

/// <summary>Output formats of a window read.</summary>
public enum RasterFormat
{
    /// <summary>GeoTIFF, DEFLATE.</summary>
    GeoTiff = 0,

    /// <summary>Cloud-optimised GeoTIFF, DEFLATE.</summary>
    CloudOptimizedGeoTiff = 1,

    /// <summary>PNG: 1 or 3 bands.</summary>
    Png = 2,

    /// <summary>JPEG: 1 or 3 bands.</summary>
    Jpeg = 3,

    /// <summary>NumPy .npy: a structured array with one named field per band (Earth Engine's NPY form).</summary>
    Npy = 4,
}

/// <summary>How to encode: the format, an optional no-data value for masked pixels, and per-band ranges for 8-bit images.</summary>
public sealed record EncodeOptions
{
    public RasterFormat Format { get; init; } = RasterFormat.GeoTiff;

    /// <summary>The value masked pixels get (and GeoTIFF's no-data tag); otherwise masked pixels are 0.</summary>
    public double? NoData { get; init; }

    /// <summary>For PNG/JPEG of non-Byte bands: the value range of each band, mapped linearly onto 0–255.</summary>
    public IReadOnlyList<(double Min, double Max)>? Ranges { get; init; }
}

/// <summary>Encodes a window (from <see cref="RasterReader"/>) as GeoTIFF, COG, PNG, JPEG or NPY bytes.</summary>
public static class RasterEncoder
{
    public static byte[] Encode(PixelBlock block, TargetGrid grid, IReadOnlyList<string> bandNames, EncodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(bandNames);
        ArgumentNullException.ThrowIfNull(options);
        if (bandNames.Count != block.BandCount)
        {
            throw new ArgumentException($"{bandNames.Count} band names for {block.BandCount} bands.", nameof(bandNames));
        }

        return options.Format switch
        {
            RasterFormat.GeoTiff => Tiff(block, grid, bandNames, options.NoData, cog: false),
            RasterFormat.CloudOptimizedGeoTiff => Tiff(block, grid, bandNames, options.NoData, cog: true),
            RasterFormat.Png => Image(block, options, "PNG"),
            RasterFormat.Jpeg => Image(block, options, "JPEG"),
            RasterFormat.Npy => Npy(block, bandNames, options.NoData),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Format, "Unknown format."),
        };
    }

    private static byte[] Tiff(PixelBlock block, TargetGrid grid, IReadOnlyList<string> names, double? noData, bool cog)
    {
        string? wkt = null;
        if (grid.Crs is not null)
        {
            using var srs = SpatialReference.FromUserInput(grid.Crs);
            wkt = srs.ToWkt();
        }

        using var typed = GdalDataset.Create("MEM", string.Empty, block.Width, block.Height, block.BandCount, block.DataType);
        typed.SetGeoTransform(grid.Transform);
        typed.SetProjection(wkt);
        for (var b = 0; b < block.BandCount; b++)
        {
            typed.BandIO(typed.Band(b + 1), true, 0, 0, block.Width, block.Height, WithNoData(block, b, noData), block.DataType);
            typed.SetBandDescription(b + 1, names[b]);
            if (noData is { } value)
            {
                typed.SetNoData(b + 1, value);
            }
        }

        var path = VsiMem.NewPath(".tif");
        try
        {
            typed.CreateCopy(cog ? "COG" : "GTiff", path, cog ? ["COMPRESS=DEFLATE", "OVERVIEW_RESAMPLING=AVERAGE"] : ["COMPRESS=DEFLATE", "TILED=YES"]);
            return VsiMem.TakeBytes(path);
        }
        catch
        {
            VsiMem.Delete(path);
            throw;
        }
    }

    /// <summary>A band's bytes with masked pixels set to the no-data value (reads already hold 0 there).</summary>
    private static byte[] WithNoData(PixelBlock block, int band, double? noData)
    {
        var bytes = block.BandBytes(band).ToArray();
        if (noData is not { } value)
        {
            return bytes;
        }

        var size = block.DataType.SizeInBytes();
        var encoded = new byte[size];
        WriteValue(encoded, block.DataType, value);
        var mask = block.MaskBand(block.MaskCount == 1 ? 0 : band);
        for (var i = 0; i < mask.Length; i++)
        {
            if (mask[i] == 0)
            {
                encoded.CopyTo(bytes.AsSpan(i * size));
            }
        }

        return bytes;
    }

    private static byte[] Image(PixelBlock block, EncodeOptions options, string driver)
    {
        if (block.BandCount is not (1 or 3))
        {
            throw new ArgumentException($"{driver} needs 1 or 3 bands; the request has {block.BandCount}.");
        }

        var ranges = options.Ranges;
        if (block.DataType != RasterDataType.Byte && (ranges is null || ranges.Count != block.BandCount))
        {
            throw new ArgumentException(
                $"{driver} holds 8-bit values: {block.DataType} bands need a min/max range for each of the {block.BandCount} bands (only Byte bands pass through).");
        }

        using var mem = GdalDataset.Create("MEM", string.Empty, block.Width, block.Height, block.BandCount, RasterDataType.Byte);
        var pixels = new byte[block.PixelCount];
        for (var b = 0; b < block.BandCount; b++)
        {
            var mask = block.MaskBand(block.MaskCount == 1 ? 0 : b);
            var (min, max) = ranges?[b] ?? (0, 255);
            if (block.DataType != RasterDataType.Byte && !(max > min))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Band {b + 1}: the range max ({max}) must be greater than min ({min})."));
            }

            for (var i = 0; i < pixels.Length; i++)
            {
                if (mask[i] == 0)
                {
                    pixels[i] = options.NoData is { } nd ? (byte)Math.Clamp(nd, 0, 255) : (byte)0;
                    continue;
                }

                var value = ReadValue(block, b, i);
                pixels[i] = block.DataType == RasterDataType.Byte
                    ? (byte)value
                    : (byte)Math.Clamp(Math.Round((value - min) / (max - min) * 255, MidpointRounding.AwayFromZero), 0, 255);
            }

            mem.BandIO(mem.Band(b + 1), true, 0, 0, block.Width, block.Height, pixels, RasterDataType.Byte);
        }

        var path = VsiMem.NewPath(driver == "PNG" ? ".png" : ".jpg");
        try
        {
            mem.CreateCopy(driver, path, driver == "JPEG" ? ["QUALITY=90"] : []);
            return VsiMem.TakeBytes(path);
        }
        finally
        {
            VsiMem.Delete(path + ".aux.xml");
        }
    }

    /// <summary>NPY 1.0: a C-order structured array of shape (height, width) with one little-endian field per band.</summary>
    private static byte[] Npy(PixelBlock block, IReadOnlyList<string> names, double? noData)
    {
        var code = block.DataType switch
        {
            RasterDataType.Byte => "|u1",
            RasterDataType.UInt16 => "<u2",
            RasterDataType.Int16 => "<i2",
            RasterDataType.UInt32 => "<u4",
            RasterDataType.Int32 => "<i4",
            RasterDataType.Float32 => "<f4",
            RasterDataType.Float64 => "<f8",
            _ => throw new NotSupportedException($"Pixel type {block.DataType} has no NPY form."),
        };
        var fields = string.Join(", ", names.Select(n => $"('{n.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}', '{code}')"));
        var header = string.Create(CultureInfo.InvariantCulture, $"{{'descr': [{fields}], 'fortran_order': False, 'shape': ({block.Height}, {block.Width}), }}");
        var padded = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        var headerBytes = Encoding.ASCII.GetBytes(padded);
        if (headerBytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException("Too many bands for an NPY header.", nameof(names));
        }

        var size = block.DataType.SizeInBytes();
        var record = size * block.BandCount;
        var output = new byte[10 + headerBytes.Length + (long)record * block.PixelCount];
        output[0] = 0x93;
        "NUMPY"u8.CopyTo(output.AsSpan(1));
        output[6] = 1;
        output[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(8), (ushort)headerBytes.Length);
        headerBytes.CopyTo(output.AsSpan(10));
        var data = output.AsSpan(10 + headerBytes.Length);
        for (var b = 0; b < block.BandCount; b++)
        {
            var band = WithNoData(block, b, noData);
            for (var i = 0; i < block.PixelCount; i++)
            {
                band.AsSpan(i * size, size).CopyTo(data.Slice(i * record + b * size));
            }
        }

        return output;
    }

    internal static double ReadValue(PixelBlock block, int band, int index) => block.DataType switch
    {
        RasterDataType.Byte => block.Band<byte>(band)[index],
        RasterDataType.UInt16 => block.Band<ushort>(band)[index],
        RasterDataType.Int16 => block.Band<short>(band)[index],
        RasterDataType.UInt32 => block.Band<uint>(band)[index],
        RasterDataType.Int32 => block.Band<int>(band)[index],
        RasterDataType.Float32 => block.Band<float>(band)[index],
        RasterDataType.Float64 => block.Band<double>(band)[index],
        _ => throw new NotSupportedException($"Pixel type {block.DataType} is not supported."),
    };

    private static void WriteValue(Span<byte> target, RasterDataType type, double value)
    {
        switch (type)
        {
            case RasterDataType.Byte: target[0] = (byte)Math.Clamp(value, byte.MinValue, byte.MaxValue); break;
            case RasterDataType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)Math.Clamp(value, ushort.MinValue, ushort.MaxValue)); break;
            case RasterDataType.Int16: BinaryPrimitives.WriteInt16LittleEndian(target, (short)Math.Clamp(value, short.MinValue, short.MaxValue)); break;
            case RasterDataType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)Math.Clamp(value, uint.MinValue, uint.MaxValue)); break;
            case RasterDataType.Int32: BinaryPrimitives.WriteInt32LittleEndian(target, (int)Math.Clamp(value, int.MinValue, int.MaxValue)); break;
            case RasterDataType.Float32: BinaryPrimitives.WriteSingleLittleEndian(target, (float)value); break;
            case RasterDataType.Float64: BinaryPrimitives.WriteDoubleLittleEndian(target, value); break;
            default: throw new NotSupportedException($"Pixel type {type} is not supported.");
        }
    }
}
