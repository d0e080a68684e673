using EeFunctions.Raster;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary>
/// A projection: a CRS (code or WKT) and the affine transform from its "pixel" coordinates to CRS units (null: the
/// identity, so coordinates are in CRS units).
/// </summary>
public sealed record EeProjection(string Crs, GeoTransform? Transform)
{
    /// <summary>Earth Engine's default for images without one: WGS 84 at one degree.</summary>
    public static EeProjection Default { get; } = new("EPSG:4326", new GeoTransform(0, 1, 0, 0, 0, -1));

    /// <summary>A point in CRS units.</summary>
    public (double X, double Y) ToCrs((double X, double Y) p) => Transform is { } t ? t.Apply(p.X, p.Y) : p;

    /// <summary>A CRS point in this projection's coordinates.</summary>
    public (double X, double Y) FromCrs((double X, double Y) p)
    {
        if (Transform is not { } t)
        {
            return p;
        }

        var (c, r) = t.Invert(p.X, p.Y);
        return (c, r);
    }
}

/// <summary>
/// A geometry: polygon rings (all rings of all polygons; a point is inside under the even-odd rule) or, for points and
/// lines, their vertices. Coordinates are in <see cref="Projection"/>'s coordinates. Edges are planar in that
/// projection (a geodesic polygon's edges are taken as straight lines in longitude and latitude).
/// </summary>
public sealed record EeGeometry(string Type, IReadOnlyList<IReadOnlyList<(double X, double Y)>> Parts, EeProjection Projection)
{
    /// <summary>Whether the geometry has an area, so it can mask pixels.</summary>
    public bool IsArea => Type is "Polygon" or "MultiPolygon" or "Rectangle";

    /// <summary>A rectangle in <paramref name="projection"/>'s coordinates.</summary>
    public static EeGeometry Box(double minX, double minY, double maxX, double maxY, EeProjection projection) =>
        new("Rectangle", [[(minX, minY), (maxX, minY), (maxX, maxY), (minX, maxY), (minX, minY)]], projection);
}

/// <summary>
/// One band of an image: its name, type, default projection and footprint (the geometries its pixels lie in, all of
/// them; empty: unbounded), and how to compute it on any grid.
/// </summary>
public sealed record ImageBand
{
    public required string Name { get; init; }

    public required PixelType Type { get; init; }

    public required EeProjection Projection { get; init; }

    public IReadOnlyList<EeGeometry> Footprint { get; init; } = [];

    /// <summary>The band's pixels on the session's grid. Its identity is the cache key: renaming keeps it.</summary>
    public required Func<ComputeSession, Task<BandPixels>> Compute { get; init; }
}

/// <summary>An image: bands and properties (the asset's, for filtering collections).</summary>
public sealed record EeImage(IReadOnlyList<ImageBand> Bands, IReadOnlyDictionary<string, object?> Properties)
{
    public EeImage(IReadOnlyList<ImageBand> bands)
        : this(bands, new Dictionary<string, object?>())
    {
    }

    public IReadOnlyList<string> BandNames => [.. Bands.Select(b => b.Name)];
}

/// <summary>An image collection, in order.</summary>
#pragma warning disable CA1711 // Earth Engine's own name for it.
public sealed record EeCollection(IReadOnlyList<EeImage> Images);
#pragma warning restore CA1711

/// <summary>A filter over image properties.</summary>
public sealed record EeFilter(string Description, Func<EeImage, bool> Matches);

/// <summary>A date: milliseconds since the Unix epoch.</summary>
public sealed record EeDate(double Millis);

/// <summary>A half-open date range [start, end).</summary>
public sealed record EeDateRange(double Start, double End);

/// <summary>A function value: argument names and the key of its body in the expression.</summary>
public sealed record EeFunction(IReadOnlyList<string> ArgumentNames, string Body);
