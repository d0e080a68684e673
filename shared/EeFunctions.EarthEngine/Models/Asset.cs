using System.Text.Json;

namespace EeFunctions.EarthEngine.Models;

/// <summary>An asset: image, folder, collection, ...</summary>
public sealed class EarthEngineAsset
{
    public AssetType? Type { get; init; }

    /// <summary><c>projects/{project}/assets/{path}</c>.</summary>
    public string? Name { get; init; }

    public string? Id { get; init; }

    public DateTimeOffset? UpdateTime { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Properties { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    public JsonElement? Geometry { get; init; }

    public IReadOnlyList<ImageBand>? Bands { get; init; }

    public long? SizeBytes { get; init; }

    public FolderQuota? Quota { get; init; }

    /// <summary>Only for external (COG-backed) images.</summary>
    public IReadOnlyList<Tileset>? Tilesets { get; init; }
}

/// <summary>A band of an image asset.</summary>
public sealed class ImageBand
{
    public string? Id { get; init; }

    public PixelDataType? DataType { get; init; }

    public PixelGrid? Grid { get; init; }

    public PyramidingPolicy? PyramidingPolicy { get; init; }

    public MissingData? MissingData { get; init; }
}

/// <summary>A band's precision and integer range.</summary>
public sealed class PixelDataType
{
    public Precision? Precision { get; init; }

    public DoubleRange? Range { get; init; }

    public int? DimensionsCount { get; init; }
}

/// <summary>Usage and limits of a top-level folder.</summary>
public sealed class FolderQuota
{
    public long? SizeBytes { get; init; }

    public long? MaxSizeBytes { get; init; }

    public long? AssetCount { get; init; }

    public long? MaxAssets { get; init; }
}

/// <summary>A page of assets.</summary>
public sealed class ListAssetsResponse
{
    public IReadOnlyList<EarthEngineAsset>? Assets { get; init; }

    public string? NextPageToken { get; init; }
}
