using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EeFunctions.Raster.Tiles;
using EeFunctions.Testing;

namespace EeFunctions.Raster.Tests;

/// <summary>Footprints checked against gdal-bin, which computes the same corners independently of our P/Invoke layer.</summary>
[Collection(GdalCollectionDefinition.Name)]
public sealed class RasterFootprintTests
{
    [Fact]
    public void Utm_raster_footprint_has_gdalinfo_wgs84_corners()
    {
        var path = TestData.Raster("RGB.byte.tif");
        var ring = Assert.Single(RasterFootprint.Wgs84Polygon(LayoutOf(path))!);

        // gdalinfo rounds wgs84Extent to 7 decimals, hence 1e-6 rather than exact.
        var corners = GdalInfo(path).GetProperty("wgs84Extent").GetProperty("coordinates")[0].EnumerateArray()
            .Select(p => (Lon: p[0].GetDouble(), Lat: p[1].GetDouble())).ToList();
        Assert.Equal(5, corners.Count);
        foreach (var corner in corners)
        {
            Assert.Contains(ring, p => Near(p, corner, 1e-6));
        }

        Assert.Equal(4 * RasterFootprint.PointsPerEdge + 1, ring.Count);
        Assert.Equal(ring[0], ring[^1]);
        Assert.True(SignedArea(ring) > 0, "The exterior ring must be counter-clockwise.");
    }

    [Fact]
    public void Utm_raster_edges_are_sampled_where_gdaltransform_puts_them()
    {
        var path = TestData.Raster("RGB.byte.tif");
        var layout = LayoutOf(path);
        var ring = Assert.Single(RasterFootprint.Wgs84Polygon(layout)!);

        // The middle of the left and bottom edges, pixel/line in, lon/lat out.
        var half = RasterFootprint.PointsPerEdge / 2;
        foreach (var (column, row) in new[] { (0.0, layout.Height * (half / (double)RasterFootprint.PointsPerEdge)), (layout.Width * (half / (double)RasterFootprint.PointsPerEdge), layout.Height) })
        {
            var expected = GdalTransform(path, column, row);
            Assert.Contains(ring, p => Near(p, expected, 1e-9));
        }
    }

    [Fact]
    public void Wgs84_raster_keeps_its_corners_exactly()
    {
        var path = TestData.Raster("green.tif");
        var ring = Assert.Single(RasterFootprint.Wgs84Polygon(LayoutOf(path))!);

        var c = GdalInfo(path).GetProperty("cornerCoordinates");
        (double, double) Corner(string name) => (c.GetProperty(name)[0].GetDouble(), c.GetProperty(name)[1].GetDouble());
        var upperLeft = Corner("upperLeft");
        Assert.Equal([upperLeft, Corner("lowerLeft"), Corner("lowerRight"), Corner("upperRight"), upperLeft], ring);
    }

    [Fact]
    public void Raster_without_crs_has_no_footprint()
    {
        Assert.Null(RasterFootprint.Wgs84Polygon(LayoutOf(TestData.Raster("float.tif"))));
    }

    [Fact]
    public void South_up_grid_still_gives_a_counter_clockwise_ring()
    {
        // Rows run north here, so the outline walks clockwise in lon/lat until it is turned round.
        var layout = Layout(8, 4, new GeoTransform(10, 1, 0, 40, 0, 1), "EPSG:4326");
        var ring = Assert.Single(RasterFootprint.Wgs84Polygon(layout)!);
        Assert.True(SignedArea(ring) > 0);
        Assert.Equal(ring[0], ring[^1]);
        Assert.Equal(5, ring.Count);
        Assert.Contains((18.0, 44.0), ring);
    }

    [Fact]
    public void Outline_entirely_outside_the_projection_domain_gives_no_footprint()
    {
        // A geostationary full disk: its whole outline lies in space beyond the limb (gdalinfo's wgs84Extent is empty too).
        var path = TestData.Raster("goes.tif");
        Assert.Empty(GdalInfo(path).GetProperty("wgs84Extent").GetProperty("coordinates")[0].EnumerateArray());
        Assert.Null(RasterFootprint.Wgs84Polygon(LayoutOf(path)));
    }

    [Fact]
    public void Outline_points_outside_the_projection_domain_are_dropped_and_the_rest_kept()
    {
        // A window of the GOES disk straddling its western limb: the left edge is in space, the right edge on Earth.
        var disk = LayoutOf(TestData.Raster("goes.tif"));
        var window = disk with { Width = 40, Height = 142, Transform = disk.Transform.Offset(0, 200) };
        var ring = Assert.Single(RasterFootprint.Wgs84Polygon(window)!);
        Assert.InRange(ring.Count, 4, 4 * RasterFootprint.PointsPerEdge);
        Assert.All(ring, p => Assert.True(Math.Abs(p.Lon) <= 180 && Math.Abs(p.Lat) <= 90, $"{p} is not a lon/lat position."));
        Assert.True(SignedArea(ring) > 0);

        // The window's right edge midpoint is on the disk, and gdaltransform places it where the ring does.
        var expected = GdalTransform(TestData.Raster("goes.tif"), 40, 271);
        Assert.Contains(ring, p => Near(p, expected, 1e-9));
    }

    private static TilesetLayout LayoutOf(string path)
    {
        var info = RasterInspector.Inspect(path);
        return Layout(info.Width, info.Height, info.Transform ?? GeoTransform.Identity, info.CrsWkt);
    }

    private static TilesetLayout Layout(int width, int height, GeoTransform transform, string? crs) => new()
    {
        Width = width,
        Height = height,
        TileSize = 256,
        DataType = RasterDataType.Byte,
        Bands = [new TilesetBand("b1", PyramidingPolicy.Mean)],
        Transform = transform,
        CrsWkt = crs,
    };

    private static bool Near((double Lon, double Lat) a, (double Lon, double Lat) b, double tolerance) =>
        Math.Abs(a.Lon - b.Lon) <= tolerance && Math.Abs(a.Lat - b.Lat) <= tolerance;

    private static double SignedArea(IReadOnlyList<(double Lon, double Lat)> ring) =>
        Enumerable.Range(0, ring.Count - 1).Sum(i => (ring[i].Lon * ring[i + 1].Lat) - (ring[i + 1].Lon * ring[i].Lat));

    private static JsonElement GdalInfo(string path)
    {
        using var document = JsonDocument.Parse(Run("gdalinfo", null, "-json", path));
        return document.RootElement.Clone();
    }

    /// <summary>gdaltransform with the file as source takes pixel/line and, for EPSG:4326, prints lon lat.</summary>
    private static (double Lon, double Lat) GdalTransform(string path, double column, double row)
    {
        var output = Run("gdaltransform", string.Create(CultureInfo.InvariantCulture, $"{column:R} {row:R}\n"), "-output_xy", "-t_srs", "EPSG:4326", path);
        var parts = output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static string Run(string tool, string? input, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Write(input ?? string.Empty);
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {errors.Result}");
        return output;
    }
}
