using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;
using EeFunctions.Testing;

namespace EeFunctions.Raster.Tests;

[Collection(GdalCollectionDefinition.Name)]
public sealed class ReadTests
{
    private static readonly TilesetKey s_key = new("proj", "asset", 3, "ts0");

    [Theory]
    [InlineData("RGB.byte.tif")]
    [InlineData("float_nan.tif")]
    [InlineData("rotated.tif")]
    [InlineData("RGBA.uint16.tif")]
    [InlineData("world.byte.tif")]
    public async Task Source_to_tiles_to_pyramid_to_level_0_read_is_pixel_exact(string file)
    {
        var path = TestData.Raster(file);
        var (layout, store) = await TilingTests.TileAsync(path, new RasterOptions { TileSize = 64 });
        var grid = new TargetGrid(layout.CrsWkt, layout.Transform, layout.Width, layout.Height);
        Assert.Equal((0, true), RasterReader.ChooseLevel(layout, grid));
        var read = await new RasterReader(new RasterOptions()).ReadAsync(layout, s_key, store, grid, CancellationToken.None);
        for (var b = 0; b < layout.BandCount; b++)
        {
            var expected = TestRasters.ReadBand(path, b + 1);
            var expectedMask = TestRasters.ReadMask(path, layout.MaskPerBand ? b + 1 : 1);
            var mask = read.MaskBand(layout.MaskPerBand ? b : 0);
            for (var i = 0; i < expected.Length; i++)
            {
                var valid = !double.IsNaN(expected[i]) && expectedMask[i] > 0;
                Assert.True((valid ? expectedMask[i] : 0) == mask[i], $"band {b} pixel {i}: mask {mask[i]}");
                var value = TestRasters.Value(read, b, i);
                Assert.True(valid ? value.Equals(expected[i]) : value == 0, $"band {b} pixel {i}: {value} vs {expected[i]} (valid {valid})");
            }
        }
    }

    [Fact]
    public async Task An_offset_window_reaching_past_the_edge_copies_what_exists_and_masks_the_rest()
    {
        var path = TestData.Raster("shade.tif");
        var (layout, store) = await TilingTests.TileAsync(path, new RasterOptions { TileSize = 128 });
        var grid = new TargetGrid(null, layout.Transform.Offset(1000, 3), 50, 20);
        var read = await new RasterReader(new RasterOptions()).ReadAsync(layout, s_key, store, grid, CancellationToken.None);
        var source = TestRasters.ReadBand(path, 1);
        var sourceMask = TestRasters.ReadMask(path, 1);
        for (var y = 0; y < 20; y++)
        {
            for (var x = 0; x < 50; x++)
            {
                var i = y * 50 + x;
                if (1000 + x >= 1024)
                {
                    Assert.Equal(0, read.MaskBand(0)[i]);
                    continue;
                }

                var s = (3 + y) * 1024 + 1000 + x;
                Assert.Equal(sourceMask[s], read.MaskBand(0)[i]);
                Assert.Equal(sourceMask[s] == 0 ? 0 : source[s], TestRasters.Value(read, 0, i));
            }
        }
    }

    [Fact]
    public async Task A_grid_equal_to_a_pyramid_level_copies_that_levels_pixels()
    {
        var (layout, store) = await TilingTests.TileAsync(TestData.Raster("RGB.byte.tif"), new RasterOptions { TileSize = 64 });
        var level2 = TilingTests.Assemble(layout, store, 2);
        var grid = new TargetGrid(layout.CrsWkt, layout.LevelTransform(2).Offset(10, 7), 100, 90);
        Assert.Equal((2, true), RasterReader.ChooseLevel(layout, grid));
        var read = await new RasterReader(new RasterOptions()).ReadAsync(layout, s_key, store, grid, CancellationToken.None);
        for (var b = 0; b < 3; b++)
        {
            for (var y = 0; y < 90; y++)
            {
                for (var x = 0; x < 100; x++)
                {
                    var s = (7 + y) * level2.Width + 10 + x;
                    var m = level2.MaskBand(b)[s];
                    Assert.Equal(m, read.MaskBand(b)[y * 100 + x]);
                    Assert.Equal(m == 0 ? 0 : TestRasters.Value(level2, b, s), TestRasters.Value(read, b, y * 100 + x));
                }
            }
        }
    }

    [Fact]
    public void The_coarsest_level_at_least_as_fine_as_the_target_is_chosen()
    {
        var layout = new TilesetLayout
        {
            Width = 4096,
            Height = 4096,
            TileSize = 256,
            DataType = RasterDataType.Byte,
            Bands = [new TilesetBand("B1", PyramidingPolicy.Mean)],
            Transform = new GeoTransform(500_000, 10, 0, 4_000_000, 0, -10),
            CrsWkt = Wkt("EPSG:32610"),
        };
        Assert.Equal((1, false), RasterReader.ChooseLevel(layout, new TargetGrid(null, new GeoTransform(500_003, 35, 0, 4_000_000, 0, -35), 10, 10)));
        Assert.Equal((2, false), RasterReader.ChooseLevel(layout, new TargetGrid(null, new GeoTransform(500_003, 40, 0, 4_000_000, 0, -40), 10, 10)));
        Assert.Equal((0, false), RasterReader.ChooseLevel(layout, new TargetGrid(null, new GeoTransform(500_000, 5, 0, 4_000_000, 0, -5), 10, 10)));
        Assert.Equal((4, true), RasterReader.ChooseLevel(layout, new TargetGrid("EPSG:32610", new GeoTransform(500_000, 160, 0, 4_000_000, 0, -160), 10, 10)));
        // 0.0008° at 36°N is about 72 m east-west and 89 m north-south: level 2 (40 m) is the coarsest at least as fine.
        Assert.Equal((2, false), RasterReader.ChooseLevel(layout, new TargetGrid("EPSG:4326", new GeoTransform(-123, 0.0008, 0, 36.1, 0, -0.0008), 10, 10)));
        Assert.Equal((3, false), RasterReader.ChooseLevel(layout, new TargetGrid("EPSG:4326", new GeoTransform(-123, 0.00095, 0, 36.1, 0, -0.00095), 10, 10)));
    }

    [Theory]
    [InlineData(PyramidingPolicy.Mean)]
    [InlineData(PyramidingPolicy.Min)]
    [InlineData(PyramidingPolicy.Max)]
    [InlineData(PyramidingPolicy.Median)]
    [InlineData(PyramidingPolicy.Mode)]
    [InlineData(PyramidingPolicy.Sample)]
    public async Task Reprojected_reads_resample_with_the_bands_policy(PyramidingPolicy policy)
    {
        var path = TestData.Raster("RGB.byte.tif");
        var (layout, store) = await TilingTests.TileAsync(path, new RasterOptions { TileSize = 256 }, [policy, policy, policy]);
        var grid = new TargetGrid("EPSG:4326", new GeoTransform(-78.0, 0.004, 0, 24.8, 0, -0.004), 120, 100);
        var reader = new RasterReader(new RasterOptions());
        var read = await reader.ReadAsync(layout, s_key, store, grid, CancellationToken.None);
        var valid = Enumerable.Range(0, read.PixelCount).Where(i => read.MaskBand(0)[i] > 0).ToList();
        Assert.NotEmpty(valid);
        Assert.Equal(RasterReader.ResamplingMethod(policy), policy switch
        {
            PyramidingPolicy.Mean => "average",
            PyramidingPolicy.Min => "min",
            PyramidingPolicy.Max => "max",
            PyramidingPolicy.Median => "med",
            PyramidingPolicy.Mode => "mode",
            _ => "near",
        });
        Assert.All(valid, i => Assert.InRange(TestRasters.Value(read, 0, i), 1, 255));
        Assert.True(valid.Count > read.PixelCount / 2);
    }

    [Fact]
    public async Task Max_resampling_never_reads_below_min_resampling()
    {
        var path = TestData.Raster("RGB.byte.tif");
        var reader = new RasterReader(new RasterOptions());
        var (minLayout, minStore) = await TilingTests.TileAsync(path, new RasterOptions(), Enumerable.Repeat(PyramidingPolicy.Min, 3).ToList());
        var (maxLayout, maxStore) = await TilingTests.TileAsync(path, new RasterOptions(), Enumerable.Repeat(PyramidingPolicy.Max, 3).ToList());
        var gt = minLayout.Transform;
        var grid = new TargetGrid(null, new GeoTransform(gt.OriginX + 60_333.3, gt.PixelWidth * 2.7, 0, gt.OriginY - 50_000.1, 0, gt.PixelHeight * 2.7), 60, 60);
        Assert.Equal((1, false), RasterReader.ChooseLevel(minLayout, grid));
        var min = await reader.ReadAsync(minLayout, s_key, minStore, grid, CancellationToken.None);
        var max = await reader.ReadAsync(maxLayout, s_key, maxStore, grid, CancellationToken.None);
        var both = Enumerable.Range(0, min.PixelCount).Where(i => min.MaskBand(0)[i] > 0 && max.MaskBand(0)[i] > 0).ToList();
        Assert.NotEmpty(both);
        Assert.All(both, i => Assert.True(TestRasters.Value(max, 0, i) >= TestRasters.Value(min, 0, i)));
        Assert.Contains(both, i => TestRasters.Value(max, 0, i) > TestRasters.Value(min, 0, i));
    }

    [Fact]
    public async Task Reads_over_the_pixel_limit_are_refused_before_any_tile_is_read()
    {
        var reader = new RasterReader(new RasterOptions { MaxPixels = 100 });
        var layout = new TilesetLayout
        {
            Width = 10, Height = 10, TileSize = 256, DataType = RasterDataType.Byte,
            Bands = [new TilesetBand("B1", PyramidingPolicy.Mean)], Transform = GeoTransform.Identity,
        };
        var ex = await Assert.ThrowsAsync<RasterLimitExceededException>(() =>
            reader.ReadAsync(layout, s_key, new ThrowingStore(), new TargetGrid(null, GeoTransform.Identity, 11, 10), CancellationToken.None));
        Assert.Contains("110 pixels", ex.Message);
    }

    private static string Wkt(string crs)
    {
        using var srs = EeFunctions.Raster.Gdal.SpatialReference.FromUserInput(crs);
        return srs.ToWkt();
    }

    private sealed class ThrowingStore : ITileStore
    {
        public Task WriteAsync(TileAddress address, ReadOnlyMemory<byte> tiff, CancellationToken cancellationToken) => throw new InvalidOperationException("no writes");

        public Task<byte[]?> ReadAsync(TileAddress address, CancellationToken cancellationToken) => throw new InvalidOperationException("no reads expected");
    }
}
