using System.Text.Json;
using EeFunctions.App.EarthEngine;
using EeFunctions.App.EarthEngine.Compute;
using EeFunctions.EarthEngine.Errors;
using EeFunctions.Raster;
using EeFunctions.Raster.Reading;
using EeFunctions.Raster.Tiles;

namespace EeFunctions.App.Tests;

/// <summary>
/// The expression evaluator and its algorithms on an in-memory asset (no storage): ValueNode kinds, Earth Engine's
/// type and mask rules, band math values and the 400s of bad expressions.
/// </summary>
public sealed class ExpressionEvaluatorTests
{
    private const string Asset = "projects/p/assets/img";
    private const string Collection = "projects/p/assets/coll";

    // A 4x1 image in EPSG:32618 with 30 m pixels: b1 (uint8) = 10, 0, 200, 3 (last masked); b2 (uint8) = 5, 0, 100, 250.
    private static readonly double[] B1 = [10, 0, 200, 3];
    private static readonly double[] B2 = [5, 0, 100, 250];
    private static readonly byte[] Mask = [255, 255, 255, 0];

    private static readonly TargetGrid Grid = new("EPSG:32618", new GeoTransform(500000, 30, 0, 2700000, 0, -30), 4, 1);

    [Fact]
    public async Task Every_value_node_kind_evaluates()
    {
        var value = await EvaluateAsync("""
            {"result": "0", "values": {
              "0": {"dictionaryValue": {"values": {
                "n": {"constantValue": null}, "b": {"constantValue": true}, "f": {"constantValue": 1.5}, "s": {"constantValue": "x"},
                "big": {"integerValue": "112233445566778899"}, "bytes": {"bytesValue": "AQI="},
                "list": {"arrayValue": {"values": [{"valueReference": "1"}, {"constantValue": [1, [2]]}]}},
                "call": {"functionInvocationValue": {"functionReference": "2", "arguments": {"x": {"constantValue": "in"}}}}}}},
              "1": {"constantValue": "shared"},
              "2": {"functionDefinitionValue": {"argumentNames": ["x"], "body": "3"}},
              "3": {"arrayValue": {"values": [{"argumentReference": "x"}, {"valueReference": "1"}]}}}}
            """);
        var d = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(value);
        Assert.Null(d["n"]);
        Assert.Equal(true, d["b"]);
        Assert.Equal(1.5, d["f"]);
        Assert.Equal("x", d["s"]);
        Assert.Equal(112233445566778899L, d["big"]);
        Assert.Equal(new byte[] { 1, 2 }, d["bytes"]);
        var list = Assert.IsAssignableFrom<IReadOnlyList<object?>>(d["list"]);
        Assert.Equal("shared", list[0]);
        Assert.Equal(new object?[] { "in", "shared" }, Assert.IsAssignableFrom<IReadOnlyList<object?>>(d["call"]));
    }

    [Theory]
    [InlineData("""{"result": "0", "values": {"0": {"valueReference": "1"}, "1": {"valueReference": "0"}}}""", "refers to itself")]
    [InlineData("""{"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.add", "arguments": {"image1": {"functionInvocationValue": {"functionName": "Image.load", "arguments": {"id": {"constantValue": "projects/p/assets/img"}}}}, "image2": {"valueReference": "0"}}}}}}""", "refers to itself")]
    [InlineData("""{"result": "0", "values": {"0": {"valueReference": "9"}}}""", "'9' is referenced but not defined")]
    [InlineData("""{"result": "0", "values": {"0": {"constantValue": 1, "integerValue": "1"}}}""", "exactly one of its fields")]
    [InlineData("""{"result": "0", "values": {"0": {}}}""", "sets none of its fields")]
    [InlineData("""{"result": "1", "values": {"0": {"constantValue": 1}}}""", "expression.result '1' is not one of expression.values")]
    [InlineData("""{"values": {"0": {"constantValue": 1}}}""", "expression.result is required")]
    [InlineData("""{"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.fancy", "arguments": {}}}}}""", "Algorithm 'Image.fancy' is not supported by this server.")]
    [InlineData("""{"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.load", "arguments": {}}}}}""", "Image.load: Parameter 'id' is required.")]
    [InlineData("""{"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.load", "arguments": {"id": {"constantValue": "projects/p/assets/none"}}}}}}""", "Image.load: Image asset 'projects/p/assets/none' not found.")]
    [InlineData("""{"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.load", "arguments": {"id": {"constantValue": 5}}}}}}""", "Image.load, argument 'id': Invalid type. Expected type: String. Actual type: Number.")]
    [InlineData("""{"result": "0", "values": {"0": {"functionInvocationValue": {"functionName": "Image.load", "arguments": {"id": {"constantValue": "projects/p/assets/img"}, "color": {"constantValue": 1}}}}}}""", "Image.load: Unrecognized argument 'color'")]
    [InlineData("""{"result": "0", "values": {"0": {"argumentReference": "x"}}}""", "argumentReference 'x' is not an argument")]
    public async Task A_bad_expression_is_INVALID_ARGUMENT_with_Earth_Engines_message(string expression, string message)
    {
        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => EvaluateAsync(expression));
        Assert.Equal(EeStatusCode.InvalidArgument, ex.Code);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Image.add", "b1", "b2", RasterDataType.UInt16)]
    [InlineData("Image.subtract", "b1", "b2", RasterDataType.Int16)]
    [InlineData("Image.multiply", "b1", "b2", RasterDataType.UInt16)]
    [InlineData("Image.divide", "b1", "b2", RasterDataType.Float32)]
    [InlineData("Image.gt", "b1", "b2", RasterDataType.Byte)]
    [InlineData("Image.and", "b1", "b2", RasterDataType.Byte)]
    public async Task Integer_band_math_takes_the_smallest_type_holding_its_range(string op, string a, string b, RasterDataType expected)
    {
        var image = await ImageAsync(Call(op, ("image1", Select(a)), ("image2", Select(b))));
        Assert.Equal(expected, image.Bands[0].Type.Storage);
    }

    [Fact]
    public async Task Any_float_makes_a_Float32_and_any_double_a_Float64()
    {
        var f = await ImageAsync(Call("Image.add", ("image1", Call("Image.toFloat", ("value", Select("b1")))), ("image2", Select("b2"))));
        var d = await ImageAsync(Call("Image.add", ("image1", Call("Image.toFloat", ("value", Select("b1")))), ("image2", Call("Image.toDouble", ("value", Select("b2"))))));
        Assert.Equal(RasterDataType.Float32, f.Bands[0].Type.Storage);
        Assert.Equal(RasterDataType.Float64, d.Bands[0].Type.Storage);
    }

    [Fact]
    public async Task Mixed_integer_and_float_bands_cannot_be_exported_together()
    {
        var image = await ImageAsync(Call("Image.addBands", ("dstImg", Select("b1")), ("srcImg", Call("Image.toFloat", ("value", Select("b2"))))));
        var ex = Assert.Throws<EarthEngineException>(() => ExportGrid.CommonType(image));
        Assert.Equal("Exported bands must have compatible data types; found inconsistent types: Float32 and Byte.", ex.Message);
    }

    [Fact]
    public async Task Binary_math_masks_where_either_input_is_masked_and_divide_masks_division_by_zero()
    {
        var image = await ImageAsync(Call("Image.divide", ("image1", Select("b1")), ("image2", Select("b2"))));
        var pixels = await PixelsAsync(image);
        Assert.Equal([2d, 2d], new[] { pixels.Values[0], pixels.Values[2] });
        Assert.Equal(0, pixels.Values[1]);
        Assert.Equal([255, 0, 255, 0], pixels.Mask);
    }

    [Fact]
    public async Task Normalized_difference_is_the_named_nd_band_of_the_first_two_bands()
    {
        var image = await ImageAsync(Call("Image.normalizedDifference", ("input", Load())));
        Assert.Equal(["nd"], image.BandNames);
        var pixels = await PixelsAsync(image);
        Assert.Equal((10 - 5) / 15.0, pixels.Values[0], 12);
        Assert.Equal(100 / 300.0, pixels.Values[2], 12);
        Assert.Equal([255, 0, 255, 0], pixels.Mask);
    }

    [Fact]
    public async Task Unmask_fills_masked_pixels_and_update_mask_takes_the_minimum()
    {
        var unmasked = await PixelsAsync(await ImageAsync(Call("Image.unmask", ("input", Select("b1")), ("value", Constant(7)), ("sameFootprint", Constant(false)))));
        Assert.Equal([10, 0, 200, 7], unmasked.Values);
        Assert.All(unmasked.Mask, m => Assert.Equal(255, m));

        var updated = await PixelsAsync(await ImageAsync(Call("Image.updateMask", ("image", Select("b2")), ("mask", Select("b1")))));
        Assert.Equal([255, 0, 255, 0], updated.Mask);
    }

    [Fact]
    public async Task Where_replaces_pixels_where_the_test_is_true()
    {
        var test = Call("Image.gt", ("image1", Select("b2")), ("image2", Constant(50)));
        var pixels = await PixelsAsync(await ImageAsync(Call("Image.where", ("input", Select("b1")), ("test", test), ("value", Constant(1)))));
        Assert.Equal([10, 0, 1, 3], pixels.Values);
    }

    [Fact]
    public async Task Select_takes_patterns_and_indices_and_renames_and_addBands_suffixes_duplicates()
    {
        var selected = await ImageAsync(Call("Image.select", ("input", Load()), ("bandSelectors", Raw("""["b.*", 0]""")), ("newNames", Raw("""["x", "y", "z"]"""))));
        Assert.Equal(["x", "y", "z"], selected.BandNames);
        var added = await ImageAsync(Call("Image.addBands", ("dstImg", Load()), ("srcImg", Load())));
        Assert.Equal(["b1", "b2", "b1_1", "b2_1"], added.BandNames);
        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => ImageAsync(Call("Image.select", ("input", Load()), ("bandSelectors", Raw("""["B9"]""")))));
        Assert.StartsWith("Image.select: Pattern 'B9' did not match any bands.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collections_load_filter_by_property_and_date_and_take_the_first()
    {
        var collection = Call("ImageCollection.load", ("id", Constant(Collection)));
        var byIndex = Call("Collection.filter", ("collection", collection), ("filter", Call("Filter.eq", ("leftField", Constant("system:index")), ("rightValue", Constant("late")))));
        var late = await ImageAsync(Call("Collection.first", ("collection", byIndex)));
        Assert.Equal(5000d, late.Properties["system:time_start"]);
        var range = Call("DateRange", ("start", Call("Date", ("value", Constant(0)))), ("end", Call("Date", ("value", Constant(2000)))));
        var byDate = Call("Collection.filter", ("collection", collection), ("filter", Call("Filter.dateRangeContains", ("leftValue", range), ("rightField", Constant("system:time_start")))));
        var early = await ImageAsync(Call("Collection.first", ("collection", byDate)));
        Assert.Equal("img", early.Properties["system:index"]);
        var byDateValue = Call("Collection.filter", ("collection", collection), ("filter", Call("Filter.eq", ("leftField", Constant("system:time_start")), ("rightValue", Call("Date", ("value", Constant(1000)))))));
        Assert.Equal("img", (await ImageAsync(Call("Collection.first", ("collection", byDateValue)))).Properties["system:index"]);
        var none = Call("Collection.filter", ("collection", collection), ("filter", Call("Filter.eq", ("leftField", Constant("system:index")), ("rightValue", Constant("x")))));
        var ex = await Assert.ThrowsAsync<EarthEngineException>(() => ImageAsync(Call("Collection.first", ("collection", none))));
        Assert.Equal("Collection.first: The collection is empty.", ex.Message);
    }

    [Fact]
    public async Task A_mosaic_takes_each_pixel_from_the_last_image_where_it_is_unmasked()
    {
        var one = Call("Image.rename", ("input", Constant(1)), ("names", Raw("[\"b1\"]")));
        var images = "{\"arrayValue\": {\"values\": [" + one + ", " + Select("b1") + "]}}";
        var mosaic = await ImageAsync(Call("ImageCollection.mosaic", ("collection", Call("ImageCollection.fromImages", ("images", images)))));
        Assert.Equal(["b1"], mosaic.BandNames);
        var pixels = await PixelsAsync(mosaic);
        Assert.Equal(new double[] { 10, 0, 200, 1 }, pixels.Values);
    }

    [Fact]
    public async Task Casts_saturate_and_truncate()
    {
        var pixels = await PixelsAsync(await ImageAsync(Call("Image.toInt8", ("value", Call("Image.multiply", ("image1", Select("b1")), ("image2", Constant(-0.7)))))));
        Assert.Equal([-7, 0, -128], pixels.Values.Take(3));
    }

    [Fact]
    public async Task Clip_to_bounds_and_scale_sets_the_export_grid_from_the_region_and_scale()
    {
        var region = Call("GeometryConstructors.Rectangle", ("coordinates", Raw("[500000, 2699000, 500100, 2700000]")), ("crs", Call("Projection", ("crs", Constant("EPSG:32618")))), ("geodesic", Constant(false)));
        var image = await ImageAsync(Call("Image.clipToBoundsAndScale", ("input", Load()), ("geometry", region), ("scale", Constant(40))));
        var grid = ExportGrid.Of(image, null, 1_000_000);
        Assert.Equal((3, 25), (grid.Width, grid.Height));
        Assert.Equal(new GeoTransform(500000, 40, 0, 2700000, 0, -40), grid.Transform);
        var ex = Assert.Throws<EarthEngineException>(() => ExportGrid.Of(image, null, 10));
        Assert.Equal("Export too large: specified 75 pixels (max: 10). Specify higher maxPixels value if you intend to export a large area.", ex.Message);
    }

    [Fact]
    public void The_scanline_clip_mask_equals_testing_every_pixel_centre()
    {
        var grid = new TargetGrid("EPSG:32618", new GeoTransform(500000, 30, 0, 2700000, 0, -30), 64, 48);
        var triangle = new EeGeometry("Polygon", [[(500100, 2699900), (501800, 2699500), (500600, 2698600), (500100, 2699900)], [(500500, 2699500), (500700, 2699500), (500600, 2699300), (500500, 2699500)]], new EeProjection("EPSG:32618", null));
        var fast = GeometryMask.Inside(triangle, grid);
        var slow = GeometryMask.InsideByCentres(triangle, grid, new byte[64 * 48]);
        Assert.Equal(slow, fast);
        Assert.Contains((byte)255, fast);
        Assert.Contains((byte)0, fast);
    }

    [Fact]
    public async Task An_unbounded_image_cannot_be_exported_without_a_region()
    {
        var image = await ImageAsync(Constant(1));
        var ex = Assert.Throws<EarthEngineException>(() => ExportGrid.Of(image, null, 100));
        Assert.StartsWith("Unable to export unbounded image", ex.Message, StringComparison.Ordinal);
    }

    private static Task<object?> EvaluateAsync(string expression)
    {
        using var document = JsonDocument.Parse(expression);
        return ExpressionEvaluator.Parse(document.RootElement.Clone(), new ComputeContext(new MemoryAssets(), CancellationToken.None)).EvaluateAsync();
    }

    private static async Task<EeImage> ImageAsync(string node)
    {
        using var document = JsonDocument.Parse("{\"result\": \"0\", \"values\": {\"0\": " + node + "}}");
        return await ExpressionEvaluator.Parse(document.RootElement.Clone(), new ComputeContext(new MemoryAssets(), CancellationToken.None)).EvaluateImageAsync();
    }

    private static Task<BandPixels> PixelsAsync(EeImage image) => new ComputeSession(Grid, CancellationToken.None).PixelsAsync(image.Bands[0]);

    private static string Call(string name, params (string Name, string Value)[] arguments) =>
        "{\"functionInvocationValue\": {\"functionName\": \"" + name + "\", \"arguments\": {" + string.Join(", ", arguments.Select(a => $"\"{a.Name}\": {a.Value}")) + "}}}";

    private static string Constant(object? value) => $$"""{"constantValue": {{JsonSerializer.Serialize(value)}}}""";

    private static string Raw(string json) => "{\"constantValue\": " + json + "}";

    private static string Load() => Call("Image.load", ("id", Constant(Asset)));

    private static string Select(string band) => Call("Image.select", ("input", Load()), ("bandSelectors", Raw("[\"" + band + "\"]")));

    /// <summary>One asset whose pixels are the fixed rows above, whatever the grid (the tests use <see cref="Grid"/>).</summary>
    private sealed class MemoryAssets : IImageAssets
    {
        private static readonly TilesetLayout Layout = new()
        {
            Width = 4,
            Height = 1,
            TileSize = 256,
            DataType = RasterDataType.Byte,
            Bands = [new TilesetBand("b1", PyramidingPolicy.Mean), new TilesetBand("b2", PyramidingPolicy.Mean)],
            Transform = Grid.Transform,
            CrsWkt = "EPSG:32618",
        };

        public Task<LoadedAsset?> FindImageAsync(string assetName, CancellationToken cancellationToken) =>
            Task.FromResult(assetName is Asset or Collection + "/late"
                ? new LoadedAsset(assetName, new StoredImage(1, [new StoredTileset("ts", Layout, "EPSG:32618")], [new StoredBand("b1", "ts", 0), new StoredBand("b2", "ts", 1)]), new Dictionary<string, object?>
                {
                    ["system:index"] = assetName[(assetName.LastIndexOf('/') + 1)..],
                    ["system:time_start"] = assetName == Asset ? 1000d : 5000d,
                })
                : null);

        public Task<IReadOnlyList<string>?> ListCollectionAsync(string assetName, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>?>(assetName == Collection ? [Asset, Collection + "/late"] : null);

        public Task<LoadedAsset> OpenGeoTiffAsync(string uri, CancellationToken cancellationToken) =>
            throw new EarthEngineException(EeStatusCode.InvalidArgument, $"Image.loadGeoTIFF: no file at '{uri}' in memory.");

        public Task<PixelBlock> ReadAsync(LoadedAsset asset, StoredTileset tileset, TargetGrid grid, CancellationToken cancellationToken)
        {
            var block = new PixelBlock(grid.Width, grid.Height, 2, RasterDataType.Byte, 1);
            for (var i = 0; i < 4; i++)
            {
                block.BandBytes(0)[i] = (byte)B1[i];
                block.BandBytes(1)[i] = (byte)B2[i];
                block.MaskBand(0)[i] = Mask[i];
            }

            return Task.FromResult(block);
        }
    }
}
