using EeFunctions.Raster.Tiles;

namespace EeFunctions.Raster.Tests;

/// <summary>
/// A layout whose band no-data is not the file's own (set by the caller, e.g. from an import request): the tiler masks
/// pixels equal to it, which GDAL cannot since it only knows the file's value.
/// </summary>
[Collection(GdalCollectionDefinition.Name)]
public sealed class LayoutNoDataTests
{
    private static readonly TilesetKey s_key = new("proj", "asset", 1, "ts0");

    [Fact]
    public async Task A_layout_no_data_on_a_source_without_one_masks_the_equal_pixels()
    {
        using var temp = new TempDirectory();
        var path = TestRasters.Create(temp.Path, "byte.tif", 150, 90, 1, RasterDataType.Byte, (_, x, y) => (x + y) % 10);

        var (layout, image) = await TileLevel0Async(path, l => l with { Bands = [l.Bands[0] with { NoData = 7 }] });

        for (var i = 0; i < image.PixelCount; i++)
        {
            var value = image.Band<byte>(0)[i];
            Assert.Equal(value == 7 ? 0 : 255, image.MaskBand(0)[i]);
        }

        Assert.Equal(1, layout.MaskBandCount);
    }

    [Fact]
    public async Task A_layout_no_data_other_than_the_files_masks_both_values()
    {
        using var temp = new TempDirectory();
        var path = TestRasters.Create(temp.Path, "float.tif", 70, 60, 2, RasterDataType.Float32, (b, x, y) => (x * 3 + y + b) % 13 - 6.5, noData: -6.5);

        var (_, image) = await TileLevel0Async(path, l => l with { Bands = [l.Bands[0] with { NoData = 0.5 }, l.Bands[1]] });

        for (var i = 0; i < image.PixelCount; i++)
        {
            var first = image.Band<float>(0)[i];
            Assert.Equal(first is 0.5f or -6.5f ? 0 : 255, image.MaskBand(0)[i]);
            var second = image.Band<float>(1)[i];
            Assert.Equal(second is -6.5f ? 0 : 255, image.MaskBand(1)[i]);
        }
    }

    [Fact]
    public async Task With_one_shared_mask_a_band_no_data_masks_the_pixel_for_every_band()
    {
        using var temp = new TempDirectory();
        var path = TestRasters.Create(temp.Path, "two.tif", 40, 30, 2, RasterDataType.Int16, (b, x, y) => b == 0 ? x : -y);

        var (layout, image) = await TileLevel0Async(path, l => l with { Bands = [l.Bands[0], l.Bands[1] with { NoData = -3 }] });

        Assert.False(layout.MaskPerBand);
        for (var i = 0; i < image.PixelCount; i++)
        {
            Assert.Equal(image.Band<short>(1)[i] == -3 ? 0 : 255, image.MaskBand(0)[i]);
        }
    }

    [Fact]
    public async Task A_no_data_an_integer_type_cannot_hold_masks_nothing()
    {
        using var temp = new TempDirectory();
        var path = TestRasters.Create(temp.Path, "byte.tif", 20, 20, 1, RasterDataType.Byte, (_, x, _) => x);

        foreach (var noData in new[] { 2.5, 300, -1, double.PositiveInfinity })
        {
            var (_, image) = await TileLevel0Async(path, l => l with { Bands = [l.Bands[0] with { NoData = noData }] });
            Assert.All(image.MaskBand(0).ToArray(), m => Assert.Equal(255, m));
        }
    }

    private static async Task<(TilesetLayout Layout, PixelBlock Image)> TileLevel0Async(string path, Func<TilesetLayout, TilesetLayout> change)
    {
        var tiler = new RasterTiler(new RasterOptions { TileSize = 32 });
        var layout = change(tiler.CreateLayout(path));
        var store = new MemoryTileStore();
        await tiler.TileAsync(path, layout, s_key, store, buildPyramid: true, CancellationToken.None);
        return (layout, TilingTests.Assemble(layout, store, 0, s_key));
    }
}
