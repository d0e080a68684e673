using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
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

    /// <summary>PNG: 1 or 3 bands plus an alpha band from the mask (masked pixels are transparent).</summary>
    Png = 2,

    /// <summary>JPEG: 1 or 3 bands.</summary>
    Jpeg = 3,

    /// <summary>NumPy .npy: a structured array with one named field per band (Earth Engine's NPY form).</summary>
    Npy = 4,

    /// <summary>A ZIP holding one GeoTIFF of all bands (<c>download.tif</c>).</summary>
    ZippedGeoTiff = 5,

    /// <summary>A ZIP holding one GeoTIFF per band (<c>download.{band}.tif</c>).</summary>
    ZippedGeoTiffPerBand = 6,
}

/// <summary>How to encode: the format, an optional no-data value for masked pixels, and per-band ranges for 8-bit images.</summary>
public sealed record EncodeOptions
{
    public RasterFormat Format { get; init; } = RasterFormat.GeoTiff;

    /// <summary>The value masked pixels get (and GeoTIFF's no-data tag); otherwise masked pixels are 0.</summary>
    public double? NoData { get; init; }

    /// <summary>For PNG/JPEG: the value range of each band (or one for all), mapped linearly onto 0–255; required for non-Byte bands.</summary>
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
            RasterFormat.ZippedGeoTiff => Zip([("download.tif", Tiff(block, grid, bandNames, options.NoData, cog: false))]),
            RasterFormat.ZippedGeoTiffPerBand => Zip([.. Enumerable.Range(0, block.BandCount)
                .Select(b => ($"download.{bandNames[b]}.tif", Tiff(Single(block, b), grid, [bandNames[b]], options.NoData, cog: false)))]),
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

    /// <summary>The MIME type of a format's bytes.</summary>
    public static string ContentType(RasterFormat format) => format switch
    {
        RasterFormat.GeoTiff or RasterFormat.CloudOptimizedGeoTiff => "image/tiff",
        RasterFormat.Png => "image/png",
        RasterFormat.Jpeg => "image/jpeg",
        RasterFormat.ZippedGeoTiff or RasterFormat.ZippedGeoTiffPerBand => "application/zip",
        _ => "application/octet-stream",
    };

    /// <summary>Whether any pixel of any band is (even partly) masked: AUTO_JPEG_PNG then needs PNG's alpha.</summary>
    public static bool HasMaskedPixels(PixelBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Mask.IndexOfAnyExcept((byte)255) >= 0;
    }

    private static byte[] Image(PixelBlock block, EncodeOptions options, string driver)
    {
        if (block.BandCount is not (1 or 3))
        {
            throw new ArgumentException($"{driver} needs 1 or 3 bands; the request has {block.BandCount}.");
        }

        if (block.DataType != RasterDataType.Byte && options.Ranges is null)
        {
            throw new ArgumentException(
                $"{driver} holds 8-bit values: {block.DataType} bands need a min/max range for each of the {block.BandCount} bands (only Byte bands pass through).");
        }

        var bytes = options.Ranges is null ? block : PixelVisualizer.Visualize(block, new Visualization { Ranges = options.Ranges });
        var png = driver == "PNG";
        using var mem = GdalDataset.Create("MEM", string.Empty, bytes.Width, bytes.Height, bytes.BandCount + (png ? 1 : 0), RasterDataType.Byte);
        for (var b = 0; b < bytes.BandCount; b++)
        {
            mem.BandIO(mem.Band(b + 1), true, 0, 0, bytes.Width, bytes.Height, WithNoData(bytes, b, options.NoData), RasterDataType.Byte);
        }

        if (png)
        {
            // PNG carries the mask as alpha, so masked pixels are transparent as in Earth Engine's PNGs.
            mem.BandIO(mem.Band(bytes.BandCount + 1), true, 0, 0, bytes.Width, bytes.Height, Alpha(bytes), RasterDataType.Byte);
        }

        var path = VsiMem.NewPath(png ? ".png" : ".jpg");
        try
        {
            mem.CreateCopy(driver, path, png ? [] : ["QUALITY=90"]);
            return VsiMem.TakeBytes(path);
        }
        finally
        {
            VsiMem.Delete(path + ".aux.xml");
        }
    }

    /// <summary>One alpha for all bands: the smallest mask of each pixel (a pixel is as visible as its least visible band).</summary>
    private static byte[] Alpha(PixelBlock block)
    {
        if (block.MaskCount == 0)
        {
            return Enumerable.Repeat((byte)255, block.PixelCount).ToArray();
        }

        var alpha = block.MaskBand(0).ToArray();
        for (var m = 1; m < block.MaskCount; m++)
        {
            var mask = block.MaskBand(m);
            for (var i = 0; i < alpha.Length; i++)
            {
                alpha[i] = Math.Min(alpha[i], mask[i]);
            }
        }

        return alpha;
    }

    private static PixelBlock Single(PixelBlock block, int band)
    {
        var single = new PixelBlock(block.Width, block.Height, 1, block.DataType, 1);
        block.BandBytes(band).CopyTo(single.BandBytes(0));
        block.MaskBand(block.MaskCount == 1 ? 0 : band).CopyTo(single.MaskBand(0));
        return single;
    }

    private static byte[] Zip(IReadOnlyList<(string Name, byte[] Bytes)> files)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in files)
            {
                // The GeoTIFFs are already DEFLATE-compressed; compressing again only costs time.
                using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                entry.Write(bytes);
            }
        }

        return output.ToArray();
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
