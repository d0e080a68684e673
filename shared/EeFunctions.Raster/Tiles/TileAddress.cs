using System.Globalization;

namespace EeFunctions.Raster.Tiles;

/// <summary>
/// One tileset of one generation of an asset: the prefix <c>tiles/{project}/{assetId}/{generation}/{tilesetId}</c>.
/// An overwrite writes a new generation, so readers see the old or the new tiles, never a mix.
/// </summary>
public sealed record TilesetKey
{
    public TilesetKey(string project, string assetId, long generation, string tilesetId)
    {
        Project = Segment(project, nameof(project));
        AssetId = Segment(assetId, nameof(assetId));
        ArgumentOutOfRangeException.ThrowIfNegative(generation);
        Generation = generation;
        TilesetId = Segment(tilesetId, nameof(tilesetId));
    }

    public string Project { get; }

    public string AssetId { get; }

    public long Generation { get; }

    public string TilesetId { get; }

    /// <summary>The store-relative folder of this tileset.</summary>
    public string Prefix => string.Create(CultureInfo.InvariantCulture, $"tiles/{Project}/{AssetId}/{Generation}/{TilesetId}");

    /// <summary>The address of one tile of this tileset.</summary>
    public TileAddress Tile(int level, int row, int column) => new(this, level, row, column);

    private static string Segment(string value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        if (value is "." or ".." || value.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new ArgumentException($"'{value}' cannot be a tile path segment.", name);
        }

        return value;
    }
}

/// <summary>One tile: <c>tiles/{project}/{assetId}/{generation}/{tilesetId}/{level}/{row}/{col}.tif</c>.</summary>
public sealed record TileAddress
{
    public TileAddress(TilesetKey tileset, int level, int row, int column)
    {
        ArgumentNullException.ThrowIfNull(tileset);
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        Tileset = tileset;
        Level = level;
        Row = row;
        Column = column;
    }

    public TilesetKey Tileset { get; }

    public int Level { get; }

    public int Row { get; }

    public int Column { get; }

    /// <summary>The store-relative path of the tile.</summary>
    public string Path => string.Create(CultureInfo.InvariantCulture, $"{Tileset.Prefix}/{Level}/{Row}/{Column}.tif");

    public override string ToString() => Path;
}
