using EeFunctions.Raster.Gdal;
using EeFunctions.Raster.Tiles;
using EeFunctions.Testing;

namespace EeFunctions.Raster.Tests;

[Collection(GdalCollectionDefinition.Name)]
public sealed class CorruptInputTests
{
    private static readonly TilesetKey s_key = new("p", "a", 1, "t");

    [Fact]
    public async Task Corrupt_pixels_fail_cleanly_with_gdals_message()
    {
        var path = TestData.Raster("corrupt.tif");
        var info = RasterInspector.Inspect(path);
        Assert.Equal(1024, info.Width);
        var tiler = new RasterTiler(new RasterOptions());
        var layout = tiler.CreateLayout(path);
        var ex = await Assert.ThrowsAnyAsync<GdalException>(() => tiler.TileAsync(path, layout, s_key, new MemoryTileStore(), true, CancellationToken.None));
        Assert.Contains("Reading", ex.Message);
        Assert.Contains("corrupt.tif", ex.Message);
    }

    [Theory]
    [InlineData("RGB.byte.tif", 0.5)]
    [InlineData("rgb_deflate.tif", 0.5)]
    [InlineData("rgb_lzw.tif", 0.3)]
    [InlineData("cogeo.tif", 0.6)]
    public async Task Truncated_files_are_rejected_with_a_clear_error(string file, double keep)
    {
        using var temp = new TempDirectory();
        var bytes = await File.ReadAllBytesAsync(TestData.Raster(file));
        var path = Path.Combine(temp.Path, "truncated.tif");
        await File.WriteAllBytesAsync(path, bytes[..(int)(bytes.Length * keep)]);
        var tiler = new RasterTiler(new RasterOptions());
        var ex = await Assert.ThrowsAnyAsync<GdalException>(async () =>
        {
            var layout = tiler.CreateLayout(path);
            await tiler.TileAsync(path, layout, s_key, new MemoryTileStore(), true, CancellationToken.None);
        });
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.DoesNotContain("no message", ex.Message);
    }

    [Fact]
    public void A_header_only_prefix_is_rejected_at_open()
    {
        var bytes = File.ReadAllBytes(TestData.Raster("RGB.byte.tif"))[..64];
        using var stream = new MemoryStream(bytes);
        var ex = Assert.ThrowsAny<GdalException>(() => RasterInspector.Inspect(stream));
        Assert.Contains("in-memory raster", ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_bytes_are_rejected_as_not_a_raster(int seed)
    {
        var bytes = new byte[4096 * seed];
        new Random(seed).NextBytes(bytes);
        using var stream = new MemoryStream(bytes);
        var ex = Assert.Throws<RasterFormatException>(() => RasterInspector.Inspect(stream));
        Assert.Contains("not recognized as a supported file format", ex.Message);
    }

    [Fact]
    public void Random_bytes_after_a_tiff_header_fail_cleanly()
    {
        var bytes = new byte[8192];
        new Random(7).NextBytes(bytes);
        "II*\0"u8.CopyTo(bytes);
        using var stream = new MemoryStream(bytes);
        Assert.ThrowsAny<GdalException>(() => RasterInspector.Inspect(stream));
    }

    [Fact]
    public void An_empty_stream_is_rejected()
    {
        using var stream = new MemoryStream();
        Assert.ThrowsAny<GdalException>(() => RasterInspector.Inspect(stream));
    }

    [Fact]
    public void Sources_over_the_pixel_limit_are_refused_before_any_read()
    {
        var tiler = new RasterTiler(new RasterOptions { MaxPixels = 1000 });
        var ex = Assert.Throws<RasterLimitExceededException>(() => tiler.CreateLayout(TestData.Raster("RGB.byte.tif")));
        Assert.Contains("567938 pixels", ex.Message);
    }

    [Fact]
    public void Sources_over_the_dimension_limit_are_refused_before_any_read()
    {
        var tiler = new RasterTiler(new RasterOptions { MaxDimension = 2000 });
        var ex = Assert.Throws<RasterLimitExceededException>(() => tiler.CreateLayout(TestData.Raster("world.byte.tif")));
        Assert.Contains("2880x1200", ex.Message);
    }

    /// <summary>
    /// Mutated copies of real GeoTIFFs (a few bytes flipped anywhere, headers included), fixed seeds: each either
    /// tiles or fails with a GDAL or limit exception, never anything else.
    /// </summary>
    [Theory]
    [InlineData("byte.tif")]
    [InlineData("red.tif")]
    [InlineData("rotated.tif")]
    [InlineData("RGBA.uint16.tif")]
    [InlineData("float_nan.tif")]
    public async Task Byte_flipped_files_tile_or_fail_with_a_clear_error(string file)
    {
        using var temp = new TempDirectory();
        var original = await File.ReadAllBytesAsync(TestData.Raster(file));
        var random = new Random(file.Length * 7919);
        var tiler = new RasterTiler(new RasterOptions { MaxPixels = 50_000_000, MaxDimension = 100_000 });
        var failures = 0;
        for (var variant = 0; variant < 40; variant++)
        {
            var bytes = (byte[])original.Clone();
            var flips = random.Next(1, 9);
            for (var f = 0; f < flips; f++)
            {
                // Half the flips hit the first 512 bytes, where the header and IFD live.
                var at = random.Next(2) == 0 ? random.Next(Math.Min(512, bytes.Length)) : random.Next(bytes.Length);
                bytes[at] = (byte)random.Next(256);
            }

            var path = Path.Combine(temp.Path, $"v{variant}.tif");
            await File.WriteAllBytesAsync(path, bytes);
            try
            {
                var layout = tiler.CreateLayout(path);
                await tiler.TileAsync(path, layout, s_key, new MemoryTileStore(), true, CancellationToken.None);
            }
            catch (Exception ex) when (ex is GdalException or RasterLimitExceededException)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                failures++;
            }
        }

        Assert.True(failures > 0, "no mutation reached GDAL's error paths");
    }
}
