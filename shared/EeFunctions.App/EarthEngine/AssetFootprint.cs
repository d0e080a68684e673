using System.Buffers;
using System.Text.Json;
using EeFunctions.Raster;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.App.EarthEngine;

/// <summary>An image asset's <c>geometry</c>: a GeoJSON Polygon in WGS84 lon/lat covering every tileset.</summary>
internal static class AssetFootprint
{
    /// <summary>
    /// Tilesets on one grid share one footprint, used as it is (as is the only footprint when the other tilesets have
    /// no CRS). Tilesets on different grids get the convex hull of all their footprints: one Polygon containing each of
    /// them, where a MultiPolygon of overlapping footprints would break the simple-features rule that its parts do not
    /// overlap, and a lon/lat bounding box would cover more than the hull. Null when no tileset has a CRS: such an
    /// image is nowhere on Earth, so it gets no geometry rather than an invented one.
    /// </summary>
    public static JsonElement? Of(IEnumerable<TilesetLayout> layouts)
    {
        ArgumentNullException.ThrowIfNull(layouts);
        var grids = layouts.DistinctBy(l => (l.CrsWkt, l.Transform, l.Width, l.Height)).ToList();
        var rings = grids.Select(Footprint).OfType<IReadOnlyList<IReadOnlyList<(double Lon, double Lat)>>>().Select(p => p[0]).ToList();
        return rings.Count switch
        {
            0 => null,
            1 => Polygon(rings[0]),
            _ => ConvexHull(rings.SelectMany(r => r)) is { Count: >= 4 } hull ? Polygon(hull) : null,
        };
    }

    /// <summary>A grid's footprint, or none when GDAL cannot compute it: a footprint must never fail an import that has tiled everything.</summary>
    private static IReadOnlyList<IReadOnlyList<(double Lon, double Lat)>>? Footprint(TilesetLayout layout)
    {
        try
        {
            return RasterFootprint.Wgs84Polygon(layout);
        }
        catch (Exception ex) when (ex is GdalException or ArgumentException)
        {
            return null;
        }
    }

    private static JsonElement Polygon(IReadOnlyList<(double Lon, double Lat)> ring)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "Polygon");
            writer.WriteStartArray("coordinates");
            writer.WriteStartArray();
            foreach (var (lon, lat) in ring)
            {
                writer.WriteStartArray();
                writer.WriteNumberValue(lon);
                writer.WriteNumberValue(lat);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>Andrew's monotone chain: the hull counter-clockwise and closed, as RFC 7946 wants an exterior ring.</summary>
    private static List<(double Lon, double Lat)> ConvexHull(IEnumerable<(double Lon, double Lat)> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.Lon).ThenBy(p => p.Lat).ToList();
        var hull = new List<(double Lon, double Lat)>(2 * sorted.Count);
        for (var pass = 0; pass < 2; pass++)
        {
            // Lower chain left to right, then upper chain right to left; each chain ends where the next begins.
            var start = hull.Count;
            foreach (var p in pass == 0 ? sorted : Enumerable.Reverse(sorted))
            {
                while (hull.Count >= start + 2 && Cross(hull[^2], hull[^1], p) <= 0)
                {
                    hull.RemoveAt(hull.Count - 1);
                }

                hull.Add(p);
            }

            hull.RemoveAt(hull.Count - 1);
        }

        hull.Add(hull[0]);
        return hull;
    }

    private static double Cross((double Lon, double Lat) o, (double Lon, double Lat) a, (double Lon, double Lat) b) =>
        ((a.Lon - o.Lon) * (b.Lat - o.Lat)) - ((a.Lat - o.Lat) * (b.Lon - o.Lon));
}
