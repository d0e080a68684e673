using System.Diagnostics;
using EeFunctions.Raster.Tiles;
using EeFunctions.Testing;

namespace EeFunctions.Raster.Tests;

[Collection(GdalCollectionDefinition.Name)]
public sealed class TilingTests
{
    private static readonly TilesetKey s_key = new("proj", "asset", 3, "ts0");

    public static TheoryData<string> SampleRasters => new(
        "byte.tif", "RGB.byte.tif", "RGBA.byte.tif", "RGBA.uint16.tif", "all-nodata.tif", "alpha.tif", "float.tif",
        "float32.tif", "float_nan.tif", "float_raster_with_nodata.tif", "float_raster_with_extra_nodata.tif", "goes.tif", "red.tif", "green.tif", "rgb-byte-tenth.tif",
        "rgb1_fake_nir_epsg3857.tif", "rgb_deflate.tif", "rgb_lzw.tif", "rotated.tif", "shade.tif", "test_esri_wkt.tif",
        "world.byte.tif", "cogeo.tif", "389225main_sw_1965_1024.jpg");

    [Theory]
    [MemberData(nameof(SampleRasters))]
    public async Task Level_0_tiles_hold_every_source_pixel_and_mask_exactly(string file)
    {
        var path = TestData.Raster(file);
        var (layout, store) = await TileAsync(path, new RasterOptions { TileSize = 128 });
        AssertLevel0MatchesSource(path, layout, store);
        Assert.Equal(layout.TileCount, store.Count);
    }

    [Fact]
    public async Task Generated_int16_int32_and_eight_band_sources_tile_exactly()
    {
        using var temp = new TempDirectory();
        var int16 = TestRasters.Create(temp.Path, "int16.tif", 300, 200, 3, RasterDataType.Int16, (b, x, y) => (x * 37 + y * 11 + b * 1000) % 60000 - 30000, noData: -30000);
        var int32 = TestRasters.Create(temp.Path, "int32.tif", 260, 270, 1, RasterDataType.Int32, (b, x, y) => (x - 130) * 100_003 + y * 7);
        var eight = TestRasters.Create(temp.Path, "eight.tif", 130, 140, 8, RasterDataType.Byte, (b, x, y) => (x + y * 3 + b * 31) % 256, options: ["INTERLEAVE=PIXEL"]);
        foreach (var path in new[] { int16, int32, eight })
        {
            var (layout, store) = await TileAsync(path, new RasterOptions { TileSize = 64 });
            AssertLevel0MatchesSource(path, layout, store);
        }
    }

    [Fact]
    public async Task A_5000_by_3000_source_tiles_exactly_and_pyramids_to_one_tile()
    {
        using var temp = new TempDirectory();
        var path = TestRasters.Create(temp.Path, "big.tif", 5000, 3000, 1, RasterDataType.UInt16, (b, x, y) => (x * 13 + y * 7) % 65536, options: ["COMPRESS=LZW"]);
        var (layout, store) = await TileAsync(path, new RasterOptions());
        Assert.Equal(6, layout.LevelCount);
        Assert.Equal((157, 94), (layout.LevelWidth(5), layout.LevelHeight(5)));
        Assert.Equal(layout.TileCount, store.Count);
        AssertLevel0MatchesSource(path, layout, store);
    }

    [Fact]
    public async Task Tile_paths_carry_project_asset_generation_tileset_level_row_and_column()
    {
        var (layout, store) = await TileAsync(TestData.Raster("shade.tif"), new RasterOptions());
        Assert.Equal(3, layout.LevelCount);
        Assert.Contains("tiles/proj/asset/3/ts0/0/3/2.tif", store.Paths);
        Assert.Contains("tiles/proj/asset/3/ts0/2/0/0.tif", store.Paths);
        Assert.Equal(16 + 4 + 1, store.Count);
    }

    [Fact]
    public async Task Tiles_are_compressed_geotiffs_with_the_tiles_own_georeferencing()
    {
        var (layout, store) = await TileAsync(TestData.Raster("RGB.byte.tif"), new RasterOptions());
        var tile = (await store.ReadAsync(s_key.Tile(0, 1, 2), CancellationToken.None))!;
        using var stream = new MemoryStream(tile);
        var info = RasterInspector.Inspect(stream);
        Assert.Equal("DEFLATE", info.Compression);
        Assert.Equal(32618, info.EpsgCode);
        Assert.Equal(layout.BandCount + layout.MaskBandCount, info.BandCount);
        Assert.Equal((256, 256), (info.Width, info.Height));
        var expected = layout.Transform.Offset(512, 256);
        Assert.Equal(expected.OriginX, info.Transform!.Value.OriginX, 1e-6);
        Assert.Equal(expected.OriginY, info.Transform!.Value.OriginY, 1e-6);
        Assert.Equal(layout.Transform.PixelWidth, info.Transform!.Value.PixelWidth, 1e-9);
    }

    [Theory]
    [InlineData("rotated.tif")]
    [InlineData("float.tif")]
    [InlineData("389225main_sw_1965_1024.jpg")]
    [InlineData("test_esri_wkt.tif")]
    public async Task Rotated_south_up_and_crs_less_grids_keep_their_georeferencing_in_every_level(string file)
    {
        var path = TestData.Raster(file);
        var (layout, store) = await TileAsync(path, new RasterOptions { TileSize = 16 });
        var source = RasterInspector.Inspect(path);
        for (var level = 0; level < layout.LevelCount; level++)
        {
            var row = layout.Rows(level) - 1;
            var column = layout.Columns(level) - 1;
            using var stream = new MemoryStream((await store.ReadAsync(s_key.Tile(level, row, column), CancellationToken.None))!);
            var info = RasterInspector.Inspect(stream);
            var expected = layout.TileTransform(level, row, column);
            var actual = info.Transform!.Value;
            Assert.Equal(expected.ToArray(), actual.ToArray(), (a, b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a)));
            Assert.Equal(source.CrsWkt is null, info.CrsWkt is null);
            Assert.Equal(source.EpsgCode, info.EpsgCode);
        }
    }

    [Fact]
    public async Task Gdalinfo_reads_a_tile_written_to_local_disk()
    {
        using var temp = new TempDirectory();
        var options = new RasterOptions();
        var tiler = new RasterTiler(options);
        var path = TestData.Raster("rgb_lzw.tif");
        var layout = tiler.CreateLayout(path);
        var store = new LocalDirectoryTileStore(temp.Path);
        await tiler.TileAsync(path, layout, s_key, store, buildPyramid: true, CancellationToken.None);
        var file = store.FilePath(s_key.Tile(1, 0, 0));
        Assert.True(File.Exists(file));
        var start = new ProcessStartInfo("gdalinfo", [file]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("Size is 256, 256", output);
        Assert.Contains("WGS 84 / UTM zone 18N", output);
        Assert.Contains("COMPRESSION=DEFLATE", output);
        Assert.Contains("Description = mask", output);
        Assert.Contains("Pixel Size = (600.", output);
    }

    [Theory]
    [InlineData(TileCompression.Lzw, "LZW")]
    [InlineData(TileCompression.Zstd, "ZSTD")]
    [InlineData(TileCompression.None, null)]
    public async Task Other_compressions_round_trip(TileCompression compression, string? reported)
    {
        var path = TestData.Raster("RGBA.uint16.tif");
        var (layout, store) = await TileAsync(path, new RasterOptions { Compression = compression });
        AssertLevel0MatchesSource(path, layout, store);
        using var stream = new MemoryStream((await store.ReadAsync(s_key.Tile(0, 0, 0), CancellationToken.None))!);
        Assert.Equal(reported, RasterInspector.Inspect(stream).Compression);
    }

    [Fact]
    public async Task Per_band_nodata_gives_each_band_its_own_mask()
    {
        var (layout, store) = await TileAsync(TestData.Raster("RGB.byte.tif"), new RasterOptions());
        Assert.True(layout.MaskPerBand);
        Assert.Equal(3, layout.MaskBandCount);
        var (layoutA, _) = await TileAsync(TestData.Raster("RGBA.byte.tif"), new RasterOptions());
        Assert.True(layoutA.MaskPerBand);
        var (single, _) = await TileAsync(TestData.Raster("shade.tif"), new RasterOptions());
        Assert.False(single.MaskPerBand);
        Assert.NotEmpty(store.Paths);
    }

    internal static async Task<(TilesetLayout Layout, MemoryTileStore Store)> TileAsync(string path, RasterOptions options, IReadOnlyList<PyramidingPolicy>? policies = null)
    {
        var tiler = new RasterTiler(options);
        var layout = tiler.CreateLayout(path, policies);
        var store = new MemoryTileStore();
        var result = await tiler.TileAsync(path, layout, s_key, store, buildPyramid: true, CancellationToken.None);
        Assert.Equal(layout.TileCount, result.TilesWritten);
        return (layout, store);
    }

    internal static PixelBlock Assemble(TilesetLayout layout, MemoryTileStore store, int level, TilesetKey? key = null)
    {
        var image = new PixelBlock(layout.LevelWidth(level), layout.LevelHeight(level), layout.BandCount, layout.DataType, layout.MaskBandCount);
        var size = layout.DataType.SizeInBytes();
        for (var row = 0; row < layout.Rows(level); row++)
        {
            for (var column = 0; column < layout.Columns(level); column++)
            {
                var bytes = store.ReadAsync((key ?? s_key).Tile(level, row, column), CancellationToken.None).Result
                    ?? throw new InvalidOperationException($"missing tile {level}/{row}/{column}");
                var tile = TileCodec.Decode(bytes, layout.DataType, layout.BandCount, layout.MaskBandCount);
                var (x, y, w, h) = layout.TileBounds(level, row, column);
                Assert.Equal((w, h), (tile.Width, tile.Height));
                for (var b = 0; b < layout.BandCount; b++)
                {
                    for (var r = 0; r < h; r++)
                    {
                        tile.BandBytes(b).Slice(r * w * size, w * size).CopyTo(image.BandBytes(b).Slice(((y + r) * image.Width + x) * size));
                    }
                }

                for (var m = 0; m < layout.MaskBandCount; m++)
                {
                    for (var r = 0; r < h; r++)
                    {
                        tile.MaskBand(m).Slice(r * w, w).CopyTo(image.MaskBand(m).Slice((y + r) * image.Width + x));
                    }
                }
            }
        }

        return image;
    }

    private static void AssertLevel0MatchesSource(string path, TilesetLayout layout, MemoryTileStore store)
    {
        var image = Assemble(layout, store, 0);
        for (var b = 0; b < layout.BandCount; b++)
        {
            var expected = TestRasters.ReadBand(path, b + 1);
            var expectedMask = TestRasters.ReadMask(path, layout.MaskPerBand ? b + 1 : 1);
            var mask = image.MaskBand(layout.MaskPerBand ? b : 0);
            for (var i = 0; i < expected.Length; i++)
            {
                var value = TestRasters.Value(image, b, i);
                if (!value.Equals(expected[i]))
                {
                    Assert.Fail($"{Path.GetFileName(path)} band {b + 1} pixel {i}: tile has {value}, source has {expected[i]}");
                }

                var wantMask = double.IsNaN(expected[i]) ? 0 : expectedMask[i];
                if (mask[i] != wantMask)
                {
                    Assert.Fail($"{Path.GetFileName(path)} band {b + 1} pixel {i}: tile mask {mask[i]}, source mask {wantMask}");
                }
            }
        }
    }
}
