using EeFunctions.Raster.Gdal;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.Raster;

/// <summary>
/// Where an image lies on Earth: its outline in WGS84 longitude/latitude, as Earth Engine's asset <c>geometry</c>
/// shows it. The outline is sampled along each edge because straight pixel-grid edges bend in other projections.
/// </summary>
public static class RasterFootprint
{
    /// <summary>Samples per edge (corner included): enough to follow UTM or Mercator edge curvature closely.</summary>
    public const int PointsPerEdge = 16;

    private const string Wgs84 = "EPSG:4326";

    /// <summary>
    /// The footprint polygon as GeoJSON (RFC 7946) wants it: a list of rings of (longitude, latitude), here the one
    /// closed exterior ring (last point = first), counter-clockwise. Null when the layout has no CRS (the image is
    /// nowhere) or fewer than three outline points can be placed in WGS84 (outside the projection's domain).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<(double Lon, double Lat)>>? Wgs84Polygon(TilesetLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.CrsWkt is null)
        {
            return null;
        }

        using var source = SpatialReference.FromUserInput(layout.CrsWkt);
        using var wgs84 = SpatialReference.FromUserInput(Wgs84);

        // Already in WGS84: the corners are exact and the edges straight, so no sampling and no round trip through OGR.
        var points = source.IsSame(wgs84)
            ? Outline(layout, 1)
            : CoordinateTransform.Apply(source, wgs84, Outline(layout, PointsPerEdge), "Transforming the image outline to WGS84");

        var ring = new List<(double Lon, double Lat)>(points.Length + 1);
        foreach (var (x, y) in points)
        {
            // Outside the projection's domain GDAL yields infinity; such points are dropped and the rest kept.
            if (double.IsFinite(x) && double.IsFinite(y) && (ring.Count == 0 || ring[^1] != (x, y)))
            {
                ring.Add((x, y));
            }
        }

        while (ring.Count > 1 && ring[^1] == ring[0])
        {
            ring.RemoveAt(ring.Count - 1);
        }

        if (ring.Count < 3)
        {
            return null;
        }

        // The outline runs clockwise or not depending on the sign of the pixel size; RFC 7946 wants the exterior counter-clockwise.
        if (SignedArea(ring) < 0)
        {
            ring.Reverse();
        }

        ring.Add(ring[0]);
        return [ring];
    }

    /// <summary>The image outline in its own CRS, from the top-left corner down the left edge and round, <paramref name="perEdge"/> points per edge.</summary>
    private static (double X, double Y)[] Outline(TilesetLayout layout, int perEdge)
    {
        var t = layout.Transform;
        double w = layout.Width, h = layout.Height;
        var points = new (double X, double Y)[4 * perEdge];
        for (var i = 0; i < perEdge; i++)
        {
            var f = i / (double)perEdge;
            points[i] = t.Apply(0, f * h);
            points[perEdge + i] = t.Apply(f * w, h);
            points[(2 * perEdge) + i] = t.Apply(w, (1 - f) * h);
            points[(3 * perEdge) + i] = t.Apply((1 - f) * w, 0);
        }

        return points;
    }

    /// <summary>Twice the shoelace area; positive for a counter-clockwise ring in lon/lat.</summary>
    private static double SignedArea(List<(double Lon, double Lat)> ring)
    {
        var sum = 0.0;
        for (var i = 0; i < ring.Count; i++)
        {
            var (a, b) = (ring[i], ring[(i + 1) % ring.Count]);
            sum += (a.Lon * b.Lat) - (b.Lon * a.Lat);
        }

        return sum;
    }
}
