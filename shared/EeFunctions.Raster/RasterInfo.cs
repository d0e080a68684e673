namespace EeFunctions.Raster;

/// <summary>What <see cref="RasterInspector"/> learns about a GDAL-readable raster.</summary>
public sealed record RasterInfo
{
    public required int Width { get; init; }

    public required int Height { get; init; }

    public required int BandCount { get; init; }

    public required IReadOnlyList<RasterBandInfo> Bands { get; init; }

    /// <summary>The affine transform, or null when the file has none.</summary>
    public GeoTransform? Transform { get; init; }

    /// <summary>The CRS as WKT, or null when the file has none.</summary>
    public string? CrsWkt { get; init; }

    /// <summary>The EPSG code of the CRS when there is one.</summary>
    public int? EpsgCode { get; init; }

    /// <summary>GDAL's driver short name (GTiff, PNG, JPEG, ...).</summary>
    public required string Driver { get; init; }

    /// <summary>GDAL's IMAGE_STRUCTURE COMPRESSION item, when reported.</summary>
    public string? Compression { get; init; }

    /// <summary>Size of the file in bytes, when it is a single file.</summary>
    public long? FileSize { get; init; }

    /// <summary>Whether the file is a cloud-optimised GeoTIFF (COG layout, tiled, tiled overviews when large).</summary>
    public bool IsCloudOptimized { get; init; }

    /// <summary>Why the file is not a valid COG, when it is a GeoTIFF but not one.</summary>
    public string? CloudOptimizedProblem { get; init; }
}

/// <summary>One band of a <see cref="RasterInfo"/>.</summary>
public sealed record RasterBandInfo
{
    /// <summary>GDAL's data type name (Byte, UInt16, Int16, UInt32, Int32, Float32, Float64, CInt16, ...).</summary>
    public required string DataTypeName { get; init; }

    /// <summary>The type, or <see cref="RasterDataType.Unknown"/> for types the raster core does not tile.</summary>
    public required RasterDataType DataType { get; init; }

    /// <summary>The no-data value (NaN is a valid no-data value), or null.</summary>
    public double? NoData { get; init; }

    public required int BlockWidth { get; init; }

    public required int BlockHeight { get; init; }

    public required int OverviewCount { get; init; }

    /// <summary>GDAL's mask flags (1 all valid, 2 per dataset, 4 alpha, 8 no-data).</summary>
    public required int MaskFlags { get; init; }
}
