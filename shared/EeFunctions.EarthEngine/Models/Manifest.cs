using System.Text.Json;

namespace EeFunctions.EarthEngine.Models;

/// <summary>What an import builds: the asset name, its input tilesets, bands, masks and metadata.</summary>
public sealed class ImageManifest
{
    public string? Name { get; init; }

    public IReadOnlyDictionary<string, JsonElement>? Properties { get; init; }

    public string? UriPrefix { get; init; }

    public IReadOnlyList<Tileset>? Tilesets { get; init; }

    public IReadOnlyList<TilesetBand>? Bands { get; init; }

    public IReadOnlyList<TilesetMaskBand>? MaskBands { get; init; }

    public PixelFootprint? Footprint { get; init; }

    public MissingData? MissingData { get; init; }

    public PyramidingPolicy? PyramidingPolicy { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    public bool? SkipMetadataRead { get; init; }

    public string? Memo { get; init; }

    public double? MinTileAreaRatio { get; init; }
}

/// <summary>A group of source files mosaicked together.</summary>
public sealed class Tileset
{
    public string? Id { get; init; }

    public IReadOnlyList<ImageSource>? Sources { get; init; }

    public DataType? DataType { get; init; }

    public string? Crs { get; init; }

    public string? SubdatasetPrefix { get; init; }

    public string? SubdatasetSuffix { get; init; }
}

/// <summary>One source file (first uri) and its sidecars.</summary>
public sealed class ImageSource
{
    public IReadOnlyList<string>? Uris { get; init; }

    public AffineTransform? AffineTransform { get; init; }

    public GridDimensions? Dimensions { get; init; }
}

/// <summary>An output band: a band of one tileset.</summary>
public sealed class TilesetBand
{
    public string? Id { get; init; }

    public string? TilesetId { get; init; }

    public int? TilesetBandIndex { get; init; }

    public MissingData? MissingData { get; init; }

    public PyramidingPolicy? PyramidingPolicy { get; init; }
}

/// <summary>The last band of a tileset used as the mask of some (or all) bands.</summary>
public sealed class TilesetMaskBand
{
    public string? TilesetId { get; init; }

    public IReadOnlyList<string>? BandIds { get; init; }
}

/// <summary>Values that mean "no data".</summary>
public sealed class MissingData
{
    public IReadOnlyList<double>? Values { get; init; }
}

/// <summary>A closed ring in pixel coordinates containing every valid pixel's centre.</summary>
public sealed class PixelFootprint
{
    public IReadOnlyList<GridPoint>? Points { get; init; }

    public string? BandId { get; init; }
}
