using System.Text.Json;
using EeFunctions.App.EarthEngine;
using EeFunctions.Raster;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.App.Tests;

/// <summary>How the tilesets' footprints become one asset geometry (EPSG:4326 grids, so every corner is known exactly).</summary>
public sealed class AssetFootprintTests
{
    [Fact]
    public void Tilesets_on_one_grid_give_that_grid_s_rectangle()
    {
        var grid = Layout(new GeoTransform(10, 1, 0, 40, 0, -1), 4, 2);
        var ring = Ring(AssetFootprint.Of([grid, grid with { Bands = [new TilesetBand("other", PyramidingPolicy.Mode)] }]));
        Assert.Equal([(10.0, 40.0), (10.0, 38.0), (14.0, 38.0), (14.0, 40.0), (10.0, 40.0)], ring);
    }

    [Fact]
    public void Tilesets_on_different_grids_give_the_counter_clockwise_hull_of_all_corners()
    {
        // Two overlapping rectangles, the second shifted right and down: the hull cuts the two empty corners diagonally.
        var ring = Ring(AssetFootprint.Of([Layout(new GeoTransform(0, 1, 0, 10, 0, -1), 4, 4), Layout(new GeoTransform(2, 1, 0, 8, 0, -1), 4, 4)]));
        Assert.Equal([(0.0, 6.0), (2.0, 4.0), (6.0, 4.0), (6.0, 8.0), (4.0, 10.0), (0.0, 10.0), (0.0, 6.0)], ring);
    }

    [Fact]
    public void Tilesets_without_a_crs_give_no_geometry()
    {
        Assert.Null(AssetFootprint.Of([Layout(GeoTransform.Identity, 3, 2, crs: null)]));
    }

    private static TilesetLayout Layout(GeoTransform transform, int width, int height, string? crs = "EPSG:4326") => new()
    {
        Width = width,
        Height = height,
        TileSize = 256,
        DataType = RasterDataType.Byte,
        Bands = [new TilesetBand("b1", PyramidingPolicy.Mean)],
        Transform = transform,
        CrsWkt = crs,
    };

    private static List<(double Lon, double Lat)> Ring(JsonElement? geometry)
    {
        Assert.NotNull(geometry);
        Assert.Equal("Polygon", geometry.Value.GetProperty("type").GetString());
        var ring = Assert.Single(geometry.Value.GetProperty("coordinates").EnumerateArray().ToList());
        return [.. ring.EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetDouble()))];
    }
}
