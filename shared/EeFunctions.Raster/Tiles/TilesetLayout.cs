using System.Text.Json.Serialization;

namespace EeFunctions.Raster.Tiles;

/// <summary>One band of a tileset: its name, pyramiding policy and the source's no-data value (if any).</summary>
/// <param name="MaskedValues">
/// Source values masked besides GDAL's no-data (a GDAL band has only one): the tiler masks them after reading. Named
/// literals are allowed so an infinite value survives a JSON round trip (the layout travels through durable inputs).
/// </param>
public sealed record TilesetBand(
    string Name,
    PyramidingPolicy Policy,
    double? NoData = null,
    [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] IReadOnlyList<double>? MaskedValues = null);

/// <summary>
/// The pixel grid of a tileset and its pyramid. Level 0 is the source grid; level k has pixels 2^k times larger
/// (same origin), <c>ceil(size / 2^k)</c> pixels wide and high; the top level is the first that fits one tile.
/// Tiles are <see cref="TileSize"/> square except at the right and bottom edges, which are clipped to the image.
/// Each tile holds all bands plus the mask: one band when all bands share a mask, else one per band.
/// </summary>
public sealed record TilesetLayout
{
    public required int Width { get; init; }

    public required int Height { get; init; }

    public required int TileSize { get; init; }

    public required RasterDataType DataType { get; init; }

    public required IReadOnlyList<TilesetBand> Bands { get; init; }

    /// <summary>One mask band per data band (true) or one shared mask band (false).</summary>
    public bool MaskPerBand { get; init; }

    public required GeoTransform Transform { get; init; }

    public string? CrsWkt { get; init; }

    public int BandCount => Bands.Count;

    public int MaskBandCount => MaskPerBand ? Bands.Count : 1;

    /// <summary>Number of levels, 0 (full resolution) to the first level that fits one tile.</summary>
    public int LevelCount
    {
        get
        {
            var levels = 1;
            for (int w = Width, h = Height; w > TileSize || h > TileSize; w = (w + 1) / 2, h = (h + 1) / 2)
            {
                levels++;
            }

            return levels;
        }
    }

    public int LevelWidth(int level) => Shrink(Width, level);

    public int LevelHeight(int level) => Shrink(Height, level);

    public int Columns(int level) => (LevelWidth(level) + TileSize - 1) / TileSize;

    public int Rows(int level) => (LevelHeight(level) + TileSize - 1) / TileSize;

    /// <summary>The pixel rectangle of a tile within its level.</summary>
    public (int X, int Y, int Width, int Height) TileBounds(int level, int row, int column)
    {
        var x = column * TileSize;
        var y = row * TileSize;
        return (x, y, Math.Min(TileSize, LevelWidth(level) - x), Math.Min(TileSize, LevelHeight(level) - y));
    }

    public GeoTransform LevelTransform(int level) => Transform.Scaled(Math.Pow(2, level));

    public GeoTransform TileTransform(int level, int row, int column) => LevelTransform(level).Offset(column * (double)TileSize, row * (double)TileSize);

    /// <summary>Total tiles over all levels.</summary>
    public long TileCount => Enumerable.Range(0, LevelCount).Sum(l => (long)Rows(l) * Columns(l));

    private static int Shrink(int size, int level)
    {
        for (var i = 0; i < level; i++)
        {
            size = (size + 1) / 2;
        }

        return size;
    }
}
