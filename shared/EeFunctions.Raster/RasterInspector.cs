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
    /// The COG checks that matter to readers: GDAL recognises the COG layout (the ghost header that GDAL's COG
    /// driver writes, with IFDs before data), the image is tiled, and an image larger than one block has tiled
    /// overviews. Null means valid.
    /// </summary>
    private static string? CogProblem(GdalDataset dataset, List<RasterBandInfo> bands)
    {
        if (bands.Count == 0)
        {
            return "no bands";
        }

        if (!string.Equals(dataset.GetMetadataItem("LAYOUT", "IMAGE_STRUCTURE"), "COG", StringComparison.OrdinalIgnoreCase))
        {
            return "no COG layout (IFDs and tile order are not cloud-optimised)";
        }

        var first = bands[0];
        var tiled = first.BlockWidth < dataset.Width || first.BlockHeight < dataset.Height
            ? first.BlockWidth != dataset.Width
            : true;
        if (!tiled)
        {
            return "the image is stripped, not tiled";
        }

        if ((dataset.Width > first.BlockWidth || dataset.Height > first.BlockHeight) && first.OverviewCount == 0)
        {
            return "larger than one tile but has no overviews";
        }

        return null;
    }
}
