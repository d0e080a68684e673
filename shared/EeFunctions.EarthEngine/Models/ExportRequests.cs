using System.Text.Json;

namespace EeFunctions.EarthEngine.Models;

/// <summary>The body of <c>image:export</c>: an expression, where its pixels go, and the grid they are computed on.</summary>
public sealed class ExportImageRequest
{
    /// <summary>The Expression (kept raw: its <c>constantValue</c>s are any JSON).</summary>
    public JsonElement? Expression { get; init; }

    public string? Description { get; init; }

    /// <summary>The cap on output pixels; Earth Engine's default is 1e8.</summary>
    public long? MaxPixels { get; init; }

    public PixelGrid? Grid { get; init; }

    public string? RequestId { get; init; }

    public string? WorkloadTag { get; init; }

    public int? Priority { get; init; }

    public int? MaxWorkers { get; init; }

    public ImageFileExportOptions? FileExportOptions { get; init; }

    public ImageAssetExportOptions? AssetExportOptions { get; init; }
}

/// <summary>An export to files: the format, its options, and the destination.</summary>
public sealed class ImageFileExportOptions
{
    public ImageFileFormat? FileFormat { get; init; }

    public DriveDestination? DriveDestination { get; init; }

    public CloudStorageDestination? CloudStorageDestination { get; init; }

    /// <summary>v1alpha's deprecated name of <see cref="CloudStorageDestination"/>.</summary>
    public CloudStorageDestination? GcsDestination { get; init; }

    public GeoTiffImageExportOptions? GeoTiffOptions { get; init; }

    public TfRecordImageExportOptions? TfRecordOptions { get; init; }
}

/// <summary>A bucket (here: a blob container of the service's storage account) and the objects' name prefix.</summary>
public sealed class CloudStorageDestination
{
    public string? Bucket { get; init; }

    public string? FilenamePrefix { get; init; }

    public string? Permissions { get; init; }

    public IReadOnlyList<string>? BucketCorsUris { get; init; }
}

/// <summary>A Google Drive folder: accepted by the schema, refused by this server.</summary>
public sealed class DriveDestination
{
    public string? Folder { get; init; }

    public string? FilenamePrefix { get; init; }
}

/// <summary>GeoTIFF options: cloud-optimized or not, internal tile size, file splitting, no-data value.</summary>
public sealed class GeoTiffImageExportOptions
{
    public bool? CloudOptimized { get; init; }

    public GridDimensions? TileDimensions { get; init; }

    public bool? SkipEmptyFiles { get; init; }

    public int? TileSize { get; init; }

    public ExportNumber? NoData { get; init; }
}

/// <summary>A number that is a double or an int64 (only <c>floatValue</c> is supported by Earth Engine).</summary>
public sealed class ExportNumber
{
    public double? FloatValue { get; init; }

    public string? IntegerValue { get; init; }
}

/// <summary>TFRecord options: patches, their margins, compression, sharding and the fill of masked pixels.</summary>
public sealed class TfRecordImageExportOptions
{
    public GridDimensions? TileDimensions { get; init; }

    public GridDimensions? MarginDimensions { get; init; }

    public bool? Compress { get; init; }

    public long? MaxSizeBytes { get; init; }

    public double? DefaultValue { get; init; }

    public IReadOnlyDictionary<string, int>? TensorDepths { get; init; }

    public bool? SequenceData { get; init; }

    public bool? CollapseBands { get; init; }

    public double? MaxMaskedRatio { get; init; }
}

/// <summary>An export into an Earth Engine image asset.</summary>
public sealed class ImageAssetExportOptions
{
    public EarthEngineDestination? EarthEngineDestination { get; init; }

    public PyramidingPolicy? PyramidingPolicy { get; init; }

    public IReadOnlyDictionary<string, PyramidingPolicy>? PyramidingPolicyOverrides { get; init; }

    public int? TileSize { get; init; }
}

/// <summary>The asset an export writes, and whether it may replace an existing one.</summary>
public sealed class EarthEngineDestination
{
    public string? Name { get; init; }

    public bool? Overwrite { get; init; }
}

/// <summary>The body of <c>image:computePixels</c>: an expression's pixels, answered at once in a file format.</summary>
public sealed class ComputePixelsRequest
{
    public JsonElement? Expression { get; init; }

    public ImageFileFormat? FileFormat { get; init; }

    public PixelGrid? Grid { get; init; }

    public IReadOnlyList<string>? BandIds { get; init; }

    public VisualizationOptions? VisualizationOptions { get; init; }

    public string? WorkloadTag { get; init; }
}

/// <summary>A thumbnail: an expression to render when its URL (<c>{name}:getPixels</c>) is fetched.</summary>
public sealed class Thumbnail
{
    public string? Name { get; init; }

    public JsonElement? Expression { get; init; }

    public ImageFileFormat? FileFormat { get; init; }

    public IReadOnlyList<string>? BandIds { get; init; }

    public VisualizationOptions? VisualizationOptions { get; init; }

    public PixelGrid? Grid { get; init; }

    public string? FilenamePrefix { get; init; }

    public string? WorkloadTag { get; init; }
}
