namespace EeFunctions.EarthEngine.Import;

/// <summary>A validated image import: what the ImportImage orchestration is given (plain data, durable-serializable).</summary>
public sealed record ImportSpec
{
    public required string Project { get; init; }

    /// <summary>The asset path below <c>projects/{p}/assets/</c>.</summary>
    public required string AssetPath { get; init; }

    public required string OperationId { get; init; }

    public required string Description { get; init; }

    public bool Overwrite { get; init; }

    public required DateTimeOffset CreateTime { get; init; }

    public required IReadOnlyList<SpecTileset> Tilesets { get; init; }

    /// <summary>Output bands; null means every band of every tileset, named b1, b2, ...</summary>
    public IReadOnlyList<SpecBand>? Bands { get; init; }

    /// <summary>The default pyramiding policy (proto name, e.g. MEAN).</summary>
    public string DefaultPolicy { get; init; } = "MEAN";

    public IReadOnlyList<double>? MissingData { get; init; }

    /// <summary>Mask bands: the last band of a tileset masks the named bands (all when none are named).</summary>
    public IReadOnlyList<SpecMaskBand>? MaskBands { get; init; }

    /// <summary>The manifest's properties as JSON (an object), or null.</summary>
    public string? PropertiesJson { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    public DateTimeOffset? EndTime { get; init; }

    /// <summary>Level-0 tile rows per Tile activity (the service's setting when the import was accepted).</summary>
    public int TileRowsPerActivity { get; init; } = 4;

    /// <summary>Parent tiles per Pyramid activity (the service's setting when the import was accepted).</summary>
    public int ParentsPerActivity { get; init; } = 16;

    /// <summary>How long the tiles an overwrite replaces are kept for reads already under way.</summary>
    public TimeSpan ReplacedTilesGrace { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// A tileset: its id, the absolute URIs of its sources (primary file of each), an optional CRS, and per source an
/// optional affine transform in GDAL order (originX, pixelWidth, rowRotation, originY, columnRotation, pixelHeight).
/// </summary>
public sealed record SpecTileset(string Id, IReadOnlyList<string> Sources, string? Crs, string? DataType, IReadOnlyList<IReadOnlyList<double>?>? Transforms = null);

/// <summary>An output band: id, tileset, 0-based band index in it, policy (proto name) and missing-data values.</summary>
public sealed record SpecBand(string Id, string TilesetId, int TilesetBandIndex, string Policy, IReadOnlyList<double>? MissingData);

/// <summary>The last band of tileset <paramref name="TilesetId"/> is the mask of <paramref name="BandIds"/> (every band when empty).</summary>
public sealed record SpecMaskBand(string TilesetId, IReadOnlyList<string> BandIds);
