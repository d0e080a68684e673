using System.Globalization;
using System.Text.Json;
using EeFunctions.EarthEngine.Errors;

namespace EeFunctions.App.Http;

/// <summary>
/// A getPixels region: the outline points of a GeoJSON geometry and their CRS (WGS84 longitude/latitude unless the
/// geometry carries Earth Engine's <c>crs</c> member). Only the bounding box matters downstream, so edges are
/// densified: a straight edge in one CRS bends in another and its middle can stick out past its ends.
/// </summary>
internal sealed record GeoJsonRegion(IReadOnlyList<(double X, double Y)> Points, string Crs)
{
    private const int EdgeSteps = 16;
    private const int MaxPoints = 2_000_000;

    public static GeoJsonRegion Parse(JsonElement region)
    {
        if (region.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("must be a GeoJSON geometry object");
        }

        var crs = "EPSG:4326";
        if (region.TryGetProperty("crs", out var crsMember) && crsMember.ValueKind != JsonValueKind.Null)
        {
            crs = crsMember.ValueKind == JsonValueKind.Object
                && crsMember.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
                && properties.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString()!
                : throw Invalid("crs must be {\"type\": \"name\", \"properties\": {\"name\": \"<CRS>\"}}");
        }

        var points = new List<(double X, double Y)>();
        Collect(region, points, "region", depth: 0);
        if (points.Count == 0)
        {
            throw Invalid("has no coordinates");
        }

        return new GeoJsonRegion(points, crs);
    }

    private static void Collect(JsonElement geometry, List<(double X, double Y)> points, string path, int depth)
    {
        if (geometry.ValueKind != JsonValueKind.Object || !geometry.TryGetProperty("type", out var typeMember) || typeMember.ValueKind != JsonValueKind.String)
        {
            throw Invalid($"{path} must be a GeoJSON geometry with a \"type\"", path);
        }

        var type = typeMember.GetString();
        if (type == "GeometryCollection")
        {
            if (depth > 8 || !geometry.TryGetProperty("geometries", out var geometries) || geometries.ValueKind != JsonValueKind.Array)
            {
                throw Invalid($"{path}.geometries must be an array of geometries", path);
            }

            var i = 0;
            foreach (var member in geometries.EnumerateArray())
            {
                Collect(member, points, $"{path}.geometries[{i++}]", depth + 1);
            }

            return;
        }

        // How deep the position arrays nest for each type, and whether consecutive positions form edges.
        var (nesting, edges) = type switch
        {
            "Point" => (0, false),
            "MultiPoint" => (1, false),
            "LineString" => (1, true),
            "MultiLineString" or "Polygon" => (2, true),
            "MultiPolygon" => (3, true),
            _ => throw Invalid($"{path}.type '{type}' is not a GeoJSON geometry type", path),
        };
        if (!geometry.TryGetProperty("coordinates", out var coordinates))
        {
            throw Invalid($"{path}.coordinates is required for a {type}", path);
        }

        Positions(coordinates, nesting, edges, points, $"{path}.coordinates");
    }

    private static void Positions(JsonElement node, int nesting, bool edges, List<(double X, double Y)> points, string path)
    {
        if (nesting > 0)
        {
            if (node.ValueKind != JsonValueKind.Array)
            {
                throw Invalid($"{path} must be an array", path);
            }

            var i = 0;
            foreach (var child in node.EnumerateArray())
            {
                var start = points.Count;
                Positions(child, nesting - 1, edges, points, $"{path}[{i++}]");
                if (nesting == 1 && edges && points.Count - start == 1 && i > 1)
                {
                    Densify(points, start);
                }
            }

            return;
        }

        if (node.ValueKind != JsonValueKind.Array || node.GetArrayLength() < 2
            || node[0].ValueKind != JsonValueKind.Number || node[1].ValueKind != JsonValueKind.Number
            || !double.IsFinite(node[0].GetDouble()) || !double.IsFinite(node[1].GetDouble()))
        {
            throw Invalid($"{path} must be a position [x, y] of finite numbers", path);
        }

        if (points.Count >= MaxPoints)
        {
            throw TooLarge();
        }

        points.Add((node[0].GetDouble(), node[1].GetDouble()));
    }

    /// <summary>Inserts points between the position just added and the one before it.</summary>
    private static void Densify(List<(double X, double Y)> points, int added)
    {
        if (points.Count + EdgeSteps > MaxPoints)
        {
            throw TooLarge();
        }

        var (a, b) = (points[added - 1], points[added]);
        points.RemoveAt(added);
        for (var s = 1; s < EdgeSteps; s++)
        {
            var f = s / (double)EdgeSteps;
            points.Add((a.X + ((b.X - a.X) * f), a.Y + ((b.Y - a.Y) * f)));
        }

        points.Add(b);
    }

    private static EarthEngineException TooLarge() =>
        Invalid(string.Create(CultureInfo.InvariantCulture, $"has too many vertices (at most {MaxPoints / EdgeSteps})"));

    private static EarthEngineException Invalid(string problem, string? path = null) =>
        new(EeStatusCode.InvalidArgument, path is null ? $"region {problem}." : $"Invalid GeoJSON: {problem}.");
}
