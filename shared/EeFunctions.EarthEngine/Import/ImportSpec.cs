using System.Text.Json.Serialization;

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

    /// <summary>No-data values of every band without its own; all of them are masked.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    public IReadOnlyList<double>? MissingData { get; init; }

    /// <summary>
    /// The files' georeferencing, pixel type and no-data are not read: each tileset's crs and dataType and each
    /// source's affineTransform and dimensions (checked against the file) stand instead.
    /// </summary>
    public bool SkipMetadataRead { get; init; }

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

    /// <summary>Where the import writes its outcome when it ends (<c>{container}/{blob name}</c>; blob drops), or null.</summary>
    public string? ResultBlob { get; init; }
}

/// <summary>
/// A tileset: its id, the absolute URIs of its sources (primary file of each), an optional CRS, the pixel type to
/// store (proto name such as UINT8 or FLOAT; null keeps the files'), per source an optional affine transform in GDAL
/// order (originX, pixelWidth, rowRotation, originY, columnRotation, pixelHeight), and with skipMetadataRead each
/// source's size from the manifest.
/// </summary>
public sealed record SpecTileset(string Id, IReadOnlyList<string> Sources, string? Crs, string? DataType, IReadOnlyList<IReadOnlyList<double>?>? Transforms = null, IReadOnlyList<SpecDimensions?>? Dimensions = null);

/// <summary>A source's size in pixels as the manifest gives it.</summary>
public sealed record SpecDimensions(int Width, int Height);

/// <summary>An output band: id, tileset, 0-based band index in it, policy (proto name) and missing-data values (all masked).</summary>
public sealed record SpecBand(string Id, string TilesetId, int TilesetBandIndex, string Policy, [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] IReadOnlyList<double>? MissingData);

/// <summary>The last band of tileset <paramref name="TilesetId"/> is the mask of <paramref name="BandIds"/> (every band when empty).</summary>
public sealed record SpecMaskBand(string TilesetId, IReadOnlyList<string> BandIds);
