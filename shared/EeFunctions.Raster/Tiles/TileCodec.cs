using System.Globalization;
using EeFunctions.Raster.Gdal;

namespace EeFunctions.Raster.Tiles;

/// <summary>
/// Encodes and decodes tiles: small GeoTIFFs (one strip per band, band-interleaved, compressed) holding the data
/// bands followed by the mask band(s), described as <c>mask</c>. TIFF gives all bands of a file one sample
/// type, so the mask's 0–255 values are stored in the tileset's type (8-bit for Byte tilesets). DEFLATE and
/// uncompressed tiles are written by <see cref="GeoTiffWriter"/> (managed, GDAL's CRS keys); LZW and ZSTD by
/// GDAL through <c>/vsimem/</c>. Decoding is GDAL's. Calls are synchronous and share no GDAL handle.
/// </summary>
public static class TileCodec
{
    /// <summary>The GeoTIFF bytes of one tile.</summary>
    public static byte[] Encode(PixelBlock block, GeoTransform transform, string? crsWkt, TileCompression compression)
    {
        ArgumentNullException.ThrowIfNull(block);
        return compression is TileCompression.Deflate or TileCompression.None
            ? GeoTiffWriter.Write(block, transform, crsWkt, compression == TileCompression.Deflate)
            : EncodeWithGdal(block, transform, crsWkt, compression);
    }

    /// <summary>
    /// Like <see cref="Encode"/>, into a buffer rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/> (the
    /// caller returns it) when the managed writer handles the codec; otherwise a plain array.
    /// </summary>
    internal static (byte[] Buffer, int Length, bool Pooled) EncodePooled(PixelBlock block, GeoTransform transform, string? crsWkt, TileCompression compression)
    {
        if (compression is TileCompression.Deflate or TileCompression.None)
        {
            var (buffer, length) = GeoTiffWriter.WritePooled(block, transform, crsWkt, compression == TileCompression.Deflate);
            return (buffer, length, true);
        }

        var bytes = EncodeWithGdal(block, transform, crsWkt, compression);
        return (bytes, bytes.Length, false);
    }

    /// <summary>The same tile written by GDAL's GTiff driver (used for codecs the managed writer lacks).</summary>
    internal static byte[] EncodeWithGdal(PixelBlock block, GeoTransform transform, string? crsWkt, TileCompression compression)
    {
        ArgumentNullException.ThrowIfNull(block);
        var path = VsiMem.NewPath(".tif");
        var options = new List<string>
        {
            "INTERLEAVE=BAND",
            string.Create(CultureInfo.InvariantCulture, $"BLOCKYSIZE={block.Height}"),
            "BIGTIFF=NO",
        };
        var compress = CompressionName(compression);
        if (compress is not null)
        {
            options.Add("COMPRESS=" + compress);
        }

        try
        {
            using (var dataset = GdalDataset.Create("GTiff", path, block.Width, block.Height, block.BandCount + block.MaskCount, block.DataType, options))
            {
                dataset.SetGeoTransform(transform);
                dataset.SetProjection(crsWkt);
                var bands = Enumerable.Range(1, block.BandCount).ToArray();
                dataset.DatasetIO(true, 0, 0, block.Width, block.Height, block.Data, block.DataType, bands);
                for (var m = 0; m < block.MaskCount; m++)
                {
                    var band = block.BandCount + 1 + m;
                    dataset.SetBandDescription(band, block.MaskCount == 1 ? "mask" : string.Create(CultureInfo.InvariantCulture, $"mask_{m + 1}"));
                    dataset.BandIO(dataset.Band(band), true, 0, 0, block.Width, block.Height, block.MaskBand(m), RasterDataType.Byte);
                }

                dataset.Close();
            }

            return VsiMem.TakeBytes(path);
        }
        catch
        {
            VsiMem.Delete(path);
            throw;
        }
    }

    /// <summary>Decodes a tile written by <see cref="Encode"/>.</summary>
    public static unsafe PixelBlock Decode(ReadOnlySpan<byte> tiff, RasterDataType dataType, int bandCount, int maskCount)
    {
        GdalRuntime.EnsureAvailable();
        var path = VsiMem.NewPath(".tif");
        fixed (byte* data = tiff)
        {
            var file = GdalApi.VSIFileFromMemBuffer(path, data, (ulong)tiff.Length, 0);
            if (file == IntPtr.Zero)
            {
                throw new GdalException("Cannot map a tile into memory.");
            }

            _ = GdalApi.VSIFCloseL(file);
            try
            {
                using var dataset = GdalDataset.Open(path, allowedDrivers: ["GTiff"]);
                if (dataset.BandCount != bandCount + maskCount)
                {
                    throw new RasterFormatException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"A tile has {dataset.BandCount} bands; the tileset expects {bandCount} data and {maskCount} mask bands."));
                }

                var block = new PixelBlock(dataset.Width, dataset.Height, bandCount, dataType, maskCount);
                dataset.DatasetIO(false, 0, 0, block.Width, block.Height, block.Data, dataType, Enumerable.Range(1, bandCount).ToArray());
                for (var m = 0; m < maskCount; m++)
                {
                    dataset.BandIO(dataset.Band(bandCount + 1 + m), false, 0, 0, block.Width, block.Height, block.MaskBand(m), RasterDataType.Byte);
                }

                return block;
            }
            finally
            {
                VsiMem.Delete(path);
            }
        }
    }

    internal static string? CompressionName(TileCompression compression) => compression switch
    {
        TileCompression.Deflate => "DEFLATE",
        TileCompression.Lzw => "LZW",
        TileCompression.Zstd => "ZSTD",
        TileCompression.None => null,
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };
}
