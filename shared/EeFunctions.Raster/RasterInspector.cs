using EeFunctions.Raster.Gdal;

namespace EeFunctions.Raster;

/// <summary>Inspects any GDAL-readable source: a local path, a GDAL virtual path, bytes or a stream.</summary>
public static class RasterInspector
{
    /// <summary>Inspects a file by path (local, or any GDAL virtual file system path).</summary>
    public static RasterInfo Inspect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var dataset = GdalDataset.Open(path);
        return Describe(dataset, VsiMem.FileSize(path));
    }

    /// <summary>Inspects a blob given as a stream (copied to <c>/vsimem/</c> first).</summary>
    public static RasterInfo Inspect(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var path = VsiMem.WriteStream(source);
        try
        {
            return Inspect(path);
        }
        finally
        {
            VsiMem.Delete(path);
        }
    }

    internal static RasterInfo Describe(GdalDataset dataset, long? fileSize)
    {
        var bands = new List<RasterBandInfo>();
        for (var b = 1; b <= dataset.BandCount; b++)
        {
            var band = dataset.Band(b);
            var code = GdalApi.GDALGetRasterDataType(band);
            GdalApi.GDALGetBlockSize(band, out var bw, out var bh);
            var type = (RasterDataType)code;
            bands.Add(new RasterBandInfo
            {
                DataTypeName = RasterDataTypeExtensions.GdalName(code),
                DataType = type.IsSupported() ? type : RasterDataType.Unknown,
                NoData = dataset.NoData(b),
                BlockWidth = bw,
                BlockHeight = bh,
                OverviewCount = GdalApi.GDALGetOverviewCount(band),
                MaskFlags = GdalApi.GDALGetMaskFlags(band),
            });
        }

        var wkt = dataset.ProjectionWkt;
        int? epsg = null;
        if (wkt is not null)
        {
            using var srs = SpatialReference.FromUserInput(wkt);
            epsg = srs.EpsgCode();
        }

        var driver = dataset.DriverName ?? "unknown";
        var problem = driver == "GTiff" ? CogProblem(dataset, bands) : "not a GeoTIFF";
        GdalErrors.Reset();
        return new RasterInfo
        {
            Width = dataset.Width,
            Height = dataset.Height,
            BandCount = bands.Count,
            Bands = bands,
            Transform = dataset.GetGeoTransform(),
            CrsWkt = wkt,
            EpsgCode = epsg,
            Driver = driver,
            Compression = dataset.GetMetadataItem("COMPRESSION", "IMAGE_STRUCTURE"),
            FileSize = fileSize,
            IsCloudOptimized = problem is null,
            CloudOptimizedProblem = problem,
        };
    }

    /// <summary>
    /// The checks of GDAL's <c>validate_cloud_optimized_geotiff.py</c>, on GDAL's TIFF metadata: a GeoTIFF larger
    /// than 512 pixels is tiled and has overviews, overviews are tiled, the main IFD is at the start of the file,
    /// IFDs come in order (main, then overviews from largest to smallest), and overview pixels come before the
    /// full-resolution pixels. Null means valid.
    /// </summary>
    private static string? CogProblem(GdalDataset dataset, List<RasterBandInfo> bands)
    {
        if (bands.Count == 0)
        {
            return "no bands";
        }

        var band = dataset.Band(1);
        var large = dataset.Width > 512 || dataset.Height > 512;
        if (large && bands[0].BlockWidth == dataset.Width && dataset.Width > bands[0].BlockHeight)
        {
            return "larger than 512 pixels but not tiled";
        }

        if (large && bands[0].OverviewCount == 0)
        {
            return "larger than 512 pixels but has no overviews";
        }

        var mainIfd = TiffItem(band, "IFD_OFFSET");
        if (mainIfd is null)
        {
            return "GDAL reports no IFD offset";
        }

        if (mainIfd > 300)
        {
            return $"the main IFD is at byte {mainIfd}, not at the start of the file";
        }

        var previousIfd = mainIfd.Value;
        var mainData = TiffItem(band, "BLOCK_OFFSET_0_0");
        long? previousData = null;
        for (var i = 0; i < bands[0].OverviewCount; i++)
        {
            var overview = GdalApi.GDALGetOverview(band, i);
            GdalApi.GDALGetBlockSize(overview, out var bw, out _);
            var ow = GdalApi.GDALGetRasterBandXSize(overview);
            if (ow > 512 && bw == ow)
            {
                return $"overview {i} is not tiled";
            }

            var ifd = TiffItem(overview, "IFD_OFFSET");
            if (ifd is null || ifd <= previousIfd)
            {
                return $"the IFD of overview {i} is not after the previous IFD";
            }

            previousIfd = ifd.Value;
            var data = TiffItem(overview, "BLOCK_OFFSET_0_0");
            if (data is not null && mainData is not null && data > mainData)
            {
                return $"the pixels of overview {i} come after the full-resolution pixels";
            }

            if (data is not null && previousData is not null && data > previousData)
            {
                return $"the pixels of overview {i} come after those of the larger overview";
            }

            previousData = data ?? previousData;
        }

        return null;
    }

    private static long? TiffItem(IntPtr band, string name) =>
        long.TryParse(GdalApi.ToStringOrNull(GdalApi.GDALGetMetadataItem(band, name, "TIFF")), out var value) ? value : null;
}
