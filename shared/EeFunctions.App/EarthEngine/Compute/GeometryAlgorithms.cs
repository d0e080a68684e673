using EeFunctions.Raster;
using EeFunctions.Raster.Reading;

namespace EeFunctions.App.EarthEngine.Compute;

/// <summary><c>Projection</c> and the <c>GeometryConstructors.*</c> algorithms.</summary>
public static class GeometryAlgorithms
{
    /// <summary>Metres per degree at the equator: how a scale in metres becomes degrees in a geographic CRS.</summary>
    public const double MetresPerDegree = 111319.49079327357;

    public static void Register(Algorithms.Builder add)
    {
        ArgumentNullException.ThrowIfNull(add);
        add.Sync("Projection", ["crs", "transform", "transformWkt"], call =>
        {
            if (call.Has("transformWkt"))
            {
                throw call.Error("transformWkt is not supported by this server; give transform.");
            }

            var crs = call.Raw("crs") switch
            {
                string s => s,
                EeProjection p => p.Crs,
                null => throw call.Error("Parameter 'crs' is required."),
                _ => throw call.WrongType("crs", "String"),
            };
            return ProjectionOf(call, crs, call.OptionalNumbers("transform"));
        });
        add.Sync("GeometryConstructors.Polygon", ["coordinates", "crs", "geodesic", "maxError", "evenOdd"], call => Polygon(call, "Polygon"));
        add.Sync("GeometryConstructors.MultiPolygon", ["coordinates", "crs", "geodesic", "maxError", "evenOdd"], call => Polygon(call, "MultiPolygon"));
        add.Sync("GeometryConstructors.Rectangle", ["coordinates", "crs", "geodesic", "evenOdd"], Rectangle);
        add.Sync("GeometryConstructors.BBox", ["west", "south", "east", "north"], call =>
        {
            var (w, s, e, n) = (call.Number("west"), call.Number("south"), call.Number("east"), call.Number("north"));
            if (!(w <= e) || !(s <= n))
            {
                throw call.Error("The bounding box must have west <= east and south <= north.");
            }

            return EeGeometry.Box(w, s, e, n, new EeProjection("EPSG:4326", null));
        });
        add.Sync("GeometryConstructors.Point", ["coordinates", "crs"], call => new EeGeometry("Point", [[Position(call, call.Raw("coordinates"))]], CrsOf(call)));
        add.Sync("GeometryConstructors.LineString", ["coordinates", "crs", "geodesic", "maxError"], call =>
            new EeGeometry("LineString", [Positions(call, call.Raw("coordinates"), 2)], CrsOf(call)));
    }

    /// <summary>A projection from a CRS (checked by GDAL) and an optional transform list [scaleX, shearX, translateX, shearY, scaleY, translateY].</summary>
    public static EeProjection ProjectionOf(AlgorithmCall call, string crs, IReadOnlyList<double>? transform)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            RegionWindow.CheckCrs(crs);
        }
        catch (Exception ex) when (ex is ArgumentException or GdalException)
        {
            throw call.Error($"Unknown or invalid CRS '{crs}': {ex.Message}");
        }

        return new EeProjection(crs, transform is null ? null : Transform(call, transform));
    }

    /// <summary>An Earth Engine transform list as an affine transform; it must be invertible.</summary>
    public static GeoTransform Transform(AlgorithmCall call, IReadOnlyList<double> t)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(t);
        if (t.Count != 6)
        {
            throw call.Error($"A transform has 6 numbers [scaleX, shearX, translateX, shearY, scaleY, translateY]; got {t.Count}.");
        }

        var transform = new GeoTransform(t[2], t[0], t[1], t[5], t[3], t[4]);
        if (transform.PixelWidth * transform.PixelHeight - transform.RowRotation * transform.ColumnRotation == 0 || t.Any(x => !double.IsFinite(x)))
        {
            throw call.Error("The transform is not invertible.");
        }

        return transform;
    }

    private static EeProjection CrsOf(AlgorithmCall call) => call.OptionalProjection("crs") ?? new EeProjection("EPSG:4326", null);

    private static EeGeometry Polygon(AlgorithmCall call, string type)
    {
        var coordinates = call.Raw("coordinates") as IReadOnlyList<object?> ?? throw call.WrongType("coordinates", "List");
        var rings = new List<IReadOnlyList<(double X, double Y)>>();
        if (type == "MultiPolygon")
        {
            foreach (var polygon in coordinates)
            {
                rings.AddRange(Rings(call, polygon));
            }
        }
        else
        {
            // A bare ring ([[x, y], …]) is accepted as the one ring of the polygon.
            rings.AddRange(coordinates.Count > 0 && coordinates[0] is IReadOnlyList<object?> first && first.Count > 0 && first[0] is double or long
                ? [Positions(call, coordinates, 3)]
                : Rings(call, coordinates));
        }

        if (rings.Count == 0)
        {
            throw call.Error("A polygon needs at least one ring.");
        }

        return new EeGeometry(type, rings, CrsOf(call));
    }

    private static List<IReadOnlyList<(double X, double Y)>> Rings(AlgorithmCall call, object? polygon) =>
        polygon is IReadOnlyList<object?> list
            ? [.. list.Select(ring => Positions(call, ring, 3))]
            : throw call.Error("Invalid polygon coordinates: expected a list of rings.");

    private static EeGeometry Rectangle(AlgorithmCall call)
    {
        var c = call.Raw("coordinates") as IReadOnlyList<object?> ?? throw call.WrongType("coordinates", "List");
        double[] v = c.Count == 4 && c.All(x => x is double or long)
            ? [.. c.Select(Num)]
            : c.Count == 2 ? [.. Position(call, c[0]).AsList(), .. Position(call, c[1]).AsList()] : throw call.Error("A rectangle needs [xMin, yMin, xMax, yMax] or two corner points.");
        return EeGeometry.Box(Math.Min(v[0], v[2]), Math.Min(v[1], v[3]), Math.Max(v[0], v[2]), Math.Max(v[1], v[3]), CrsOf(call));
    }

    private static List<(double X, double Y)> Positions(AlgorithmCall call, object? value, int minimum)
    {
        var list = value as IReadOnlyList<object?> ?? throw call.Error("Invalid geometry coordinates: expected a list of [x, y] positions.");
        var points = list.Select(p => Position(call, p)).ToList();
        if (points.Count < minimum)
        {
            throw call.Error($"Invalid geometry coordinates: at least {minimum} positions are needed, got {points.Count}.");
        }

        return points;
    }

    private static (double X, double Y) Position(AlgorithmCall call, object? value) =>
        value is IReadOnlyList<object?> { Count: >= 2 } p && p[0] is double or long && p[1] is double or long && double.IsFinite(Num(p[0])) && double.IsFinite(Num(p[1]))
            ? (Num(p[0]), Num(p[1]))
            : throw call.Error("Invalid geometry coordinates: a position is [x, y] with finite numbers.");

    private static double Num(object? value) => value switch
    {
        double d => d,
        long l => l,
        _ => double.NaN,
    };

    private static double[] AsList(this (double X, double Y) p) => [p.X, p.Y];
}
