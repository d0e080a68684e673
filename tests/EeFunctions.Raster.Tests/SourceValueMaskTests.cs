using System.Text.Json;
using EeFunctions.Raster.Tiles;
using EeFunctions.Testing;

namespace EeFunctions.Raster.Tests;

[Collection(GdalCollectionDefinition.Name)]
public sealed class SourceValueMaskTests
{
    private static readonly TilesetKey s_key = new("proj", "asset", 1, "ts0");

    [Fact]
    public async Task Every_listed_source_value_is_masked_and_no_other_pixel_is()
    {
        var path = TestData.Raster("byte.tif");
        var tiler = new RasterTiler(new RasterOptions { TileSize = 16 });
        var layout = tiler.CreateLayout(path);
        layout = layout with { Bands = [layout.Bands[0] with { MaskedValues = [132, 123] }] };
        var store = new MemoryTileStore();
        await tiler.TileAsync(path, layout, s_key, store, buildPyramid: false, CancellationToken.None);
        var image = TilingTests.Assemble(layout, store, 0, s_key);
        var source = TestRasters.ReadBand(path, 1);
        Assert.Contains(source, v => v == 132);
        Assert.Contains(source, v => v == 123);
        for (var i = 0; i < source.Length; i++)
        {
            Assert.Equal(source[i] is 132 or 123 ? 0 : 255, image.MaskBand(0)[i]);
        }
    }

    [Fact]
    public async Task A_float_source_stored_as_integers_is_rounded_and_keeps_its_NaN_pixels_masked()
    {
        using var temp = new TempDirectory();
        var path = TestRasters.Create(temp.Path, "nan.tif", 20, 10, 1, RasterDataType.Float32, (_, x, y) => (x + y) % 7 == 0 ? double.NaN : x - y + 0.4);
        var tiler = new RasterTiler(new RasterOptions { TileSize = 16 });
        var layout = tiler.CreateLayout(path) with { DataType = RasterDataType.Int16 };
        var store = new MemoryTileStore();
        await tiler.TileAsync(path, layout, s_key, store, buildPyramid: false, CancellationToken.None);
        var image = TilingTests.Assemble(layout, store, 0, s_key);
        var source = TestRasters.ReadBand(path, 1);
        Assert.Contains(source, double.IsNaN);
        for (var i = 0; i < source.Length; i++)
        {
            Assert.Equal(double.IsNaN(source[i]) ? 0 : 255, image.MaskBand(0)[i]);
            if (!double.IsNaN(source[i]))
            {
                Assert.Equal(Math.Round(source[i]), TestRasters.Value(image, 0, i));
            }
        }
    }

    [Fact]
    public void Masked_values_survive_a_JSON_round_trip_even_when_infinite()
    {
        var band = new TilesetBand("b1", PyramidingPolicy.Mean, 0, [double.NegativeInfinity, 3.5, double.NaN]);
        var json = JsonSerializer.Serialize(band, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize<TilesetBand>(json, JsonSerializerOptions.Web)!;
        Assert.Equal(band.MaskedValues, back.MaskedValues);
    }
}
