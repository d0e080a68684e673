using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EeFunctions.Raster;
using EeFunctions.Testing;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>getPixels formats, regions, visualization and limits through HTTP, decoded and compared with the source files.</summary>
[Collection(EeHostGroup.Name)]
public sealed class GetPixelsFormatsTests(EeHostFixture host)
{
    private const string Project = "getpixels-formats";
    private const string Rgb = "fmt/rgb";
    private const string Grey = "fmt/grey";
    private const string U16 = "fmt/u16";
    private const string Float = "fmt/float";
    private static readonly SemaphoreSlim s_ingestGate = new(1, 1);
    private static EeHostFixture? s_ingestedInto;

    /// <summary>The test assets and their sources: 3-band Byte with no-data, 1-band Byte without mask, 4-band UInt16, 1-band Float32 with no-data.</summary>
    private static readonly (string Asset, string File)[] s_assets =
        [(Rgb, "RGB.byte.tif"), (Grey, "byte.tif"), (U16, "RGBA.uint16.tif"), (Float, "float_raster_with_nodata.tif")];

    [Fact]
    public async Task Geotiff_of_the_native_grid_equals_the_source_on_every_valid_pixel()
    {
        var (status, bytes, type, error) = await GetPixelsAsync(Rgb, new JsonObject { ["fileFormat"] = "GEO_TIFF" });
        Assert.True(status == HttpStatusCode.OK, error);
        Assert.Equal("image/tiff", type);
        using var file = new PixelFiles.TempFile(bytes, ".tif");
        PixelAssert.SameValidPixels(TestData.Raster("RGB.byte.tif"), file.Path, 3);
    }

    [Fact]
    public async Task Png_holds_the_bytes_with_masked_pixels_zero_and_transparent()
    {
        var (status, bytes, type, error) = await GetPixelsAsync(Rgb, new JsonObject { ["fileFormat"] = "PNG" });
        Assert.True(status == HttpStatusCode.OK, error);
        Assert.Equal("image/png", type);
        using var file = new PixelFiles.TempFile(bytes, ".png");
        Assert.Equal(4, Inspect(bytes).BandCount);
        var source = TestData.Raster("RGB.byte.tif");
        for (var b = 1; b <= 3; b++)
        {
            var band = b.ToString(CultureInfo.InvariantCulture);
            var mask = GdalTool.Read(source, "mask," + band).Values;
            var expected = GdalTool.Read(source, band).Values.Select((v, i) => mask[i] == 0 ? 0 : v).ToArray();
            AssertValues(file.Path, band, expected, $"band {b}");
        }

        // Each band has its own no-data mask; a pixel is as visible as its least visible band.
        var alpha = MinimumMask(source, 3);
        Assert.Contains(0.0, alpha);
        AssertValues(file.Path, "4", alpha, "alpha");
    }

    [Fact]
    public async Task Png_of_one_band_is_grey_plus_an_opaque_alpha_when_nothing_is_masked()
    {
        var (status, bytes, _, error) = await GetPixelsAsync(Grey, new JsonObject { ["fileFormat"] = "PNG" });
        Assert.True(status == HttpStatusCode.OK, error);
        using var file = new PixelFiles.TempFile(bytes, ".png");
        Assert.Equal(2, Inspect(bytes).BandCount);
        var source = GdalTool.Read(TestData.Raster("byte.tif"), "1");
        AssertValues(file.Path, "1", source.Values, "grey");
        AssertValues(file.Path, "2", Enumerable.Repeat(255.0, source.Values.Length).ToArray(), "alpha");
    }

    [Fact]
    public async Task Jpeg_is_close_to_the_source_in_every_band()
    {
        var (status, bytes, type, error) = await GetPixelsAsync(Rgb, new JsonObject { ["fileFormat"] = "JPEG" });
        Assert.True(status == HttpStatusCode.OK, error);
        Assert.Equal("image/jpeg", type);
        using var file = new PixelFiles.TempFile(bytes, ".jpg");
        var info = Inspect(bytes);
        Assert.Equal(("JPEG", 791, 718, 3), (info.Driver, info.Width, info.Height, info.BandCount));
        var source = TestData.Raster("RGB.byte.tif");
        for (var b = 1; b <= 3; b++)
        {
            var band = b.ToString(CultureInfo.InvariantCulture);
            var mask = GdalTool.Read(source, "mask," + band).Values;
            var expected = GdalTool.Read(source, band).Values.Select((v, i) => mask[i] == 0 ? 0 : v).ToArray();
            var actual = GdalTool.Read(file.Path, band).Values;
            var meanError = expected.Zip(actual).Average(p => Math.Abs(p.First - p.Second));

            // Quality 90 with chroma subsampling stays within a few levels; a swapped or shifted band is off by tens.
            Assert.True(meanError < 5, $"band {b}: JPEG mean absolute error {meanError} is too large for quality 90.");
        }
    }

    [Fact]
    public async Task Auto_jpeg_png_is_png_when_a_pixel_is_masked_and_jpeg_otherwise()
    {
        var masked = await GetPixelsAsync(Rgb, new JsonObject { ["fileFormat"] = "AUTO_JPEG_PNG" });
        Assert.True(masked.Status == HttpStatusCode.OK, masked.Error);
        Assert.Equal(("image/png", "PNG"), (masked.ContentType, Inspect(masked.Bytes).Driver));

        var full = await GetPixelsAsync(Grey, new JsonObject { ["fileFormat"] = "AUTO_JPEG_PNG" });
        Assert.True(full.Status == HttpStatusCode.OK, full.Error);
        Assert.Equal(("image/jpeg", "JPEG"), (full.ContentType, Inspect(full.Bytes).Driver));
    }

    [Fact]
    public async Task Npy_is_a_structured_array_with_one_field_per_band_equal_to_the_source()
    {
        var (status, bytes, _, error) = await GetPixelsAsync(Float, new JsonObject { ["fileFormat"] = "NPY" });
        Assert.True(status == HttpStatusCode.OK, error);
        var npy = PixelFiles.Npy.Parse(bytes);
        Assert.Equal(new[] { ("b1", "<f4") }, npy.Fields);
        Assert.Equal((12, 13), (npy.Height, npy.Width));
        var source = TestData.Raster("float_raster_with_nodata.tif");
        var values = GdalTool.Read(source, "1").Values;
        var mask = GdalTool.Read(source, "mask,1").Values;
        Assert.Contains(0.0, mask);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(mask[i] == 0 ? 0 : (float)values[i], npy.Value(i, 0));
        }
    }

    [Fact]
    public async Task Npy_fields_follow_the_requested_band_order()
    {
        var (status, bytes, _, error) = await GetPixelsAsync(Rgb, new JsonObject { ["fileFormat"] = "NPY", ["bandIds"] = new JsonArray("b3", "b1") });
        Assert.True(status == HttpStatusCode.OK, error);
        var npy = PixelFiles.Npy.Parse(bytes);
        Assert.Equal(new[] { ("b3", "|u1"), ("b1", "|u1") }, npy.Fields);
        Assert.Equal((718, 791), (npy.Height, npy.Width));
        var source = TestData.Raster("RGB.byte.tif");
        var (blueMask, redMask) = (GdalTool.Read(source, "mask,3").Values, GdalTool.Read(source, "mask,1").Values);
        var (blue, red) = (GdalTool.Read(source, "3").Values, GdalTool.Read(source, "1").Values);
        for (var i = 0; i < blue.Length; i++)
        {
            Assert.Equal((blueMask[i] == 0 ? 0 : blue[i], redMask[i] == 0 ? 0 : red[i]), (npy.Value(i, 0), npy.Value(i, 1)));
        }
    }

    [Fact]
    public async Task Zipped_geotiff_holds_one_tiff_and_the_per_band_form_one_tiff_per_band()
    {
        var zipped = await GetPixelsAsync(Rgb, new JsonObject { ["fileFormat"] = "ZIPPED_GEO_TIFF" });
        Assert.True(zipped.Status == HttpStatusCode.OK, zipped.Error);
        Assert.Equal("application/zip", zipped.ContentType);
        var entries = Unzip(zipped.Bytes);
        Assert.Equal("download.tif", Assert.Single(entries.Keys));
        using (var file = new PixelFiles.TempFile(entries["download.tif"], ".tif"))
        {
            PixelAssert.SameValidPixels(TestData.Raster("RGB.byte.tif"), file.Path, 3);
        }

        var perBand = await GetPixelsAsync(Rgb, new JsonObject { ["fileFormat"] = "ZIPPED_GEO_TIFF_PER_BAND", ["bandIds"] = new JsonArray("b2", "b3") });
        Assert.True(perBand.Status == HttpStatusCode.OK, perBand.Error);
        entries = Unzip(perBand.Bytes);
        Assert.Equal("download.b2.tif,download.b3.tif", string.Join(',', entries.Keys.Order()));
        using var blue = new PixelFiles.TempFile(entries["download.b3.tif"], ".tif");
        Assert.Equal(1, Inspect(entries["download.b3.tif"]).BandCount);
        var source = TestData.Raster("RGB.byte.tif");
        var mask = GdalTool.Read(source, "mask,3").Values;
        AssertValues(blue.Path, "1", GdalTool.Read(source, "3").Values.Select((v, i) => mask[i] == 0 ? 0 : v).ToArray(), "b3");
    }

    [Fact]
    public async Task A_wgs84_region_selects_the_grid_pixels_its_bounding_box_touches()
    {
        // Pixel centres of columns 100..249 and rows 200..329, as longitude/latitude.
        var (origin, size) = await NativeGridAsync(Rgb);
        var corners = new[] { (100.5, 200.5), (249.5, 200.5), (249.5, 329.5), (100.5, 329.5) }
            .Select(p => (origin.X + (p.Item1 * size.X), origin.Y + (p.Item2 * size.Y))).ToArray();
        var lonLat = PixelFiles.ToLonLat(corners, "EPSG:32618");
        var ring = new JsonArray([.. lonLat.Append(lonLat[0]).Select(p => new JsonArray(p.X, p.Y))]);
        var region = new JsonObject { ["type"] = "Polygon", ["coordinates"] = new JsonArray(ring) };

        var (status, bytes, _, error) = await GetPixelsAsync(Rgb, new JsonObject { ["fileFormat"] = "GEO_TIFF", ["region"] = region });
        Assert.True(status == HttpStatusCode.OK, error);
        var info = Inspect(bytes);
        Assert.Equal((150, 130), (info.Width, info.Height));
        Assert.Equal(origin.X + (100 * size.X), info.Transform!.Value.OriginX, 1e-6);
        Assert.Equal(origin.Y + (200 * size.Y), info.Transform!.Value.OriginY, 1e-6);
        using var file = new PixelFiles.TempFile(bytes, ".tif");
        AssertCrop(TestData.Raster("RGB.byte.tif"), file.Path, 100, 200, 3);
    }

    [Fact]
    public async Task A_region_with_a_crs_member_is_read_in_that_crs_and_edges_on_pixel_edges_add_no_pixel()
    {
        var (origin, size) = await NativeGridAsync(Rgb);
        var (x0, y0, x1, y1) = (origin.X + (10 * size.X), origin.Y + (20 * size.Y), origin.X + (30 * size.X), origin.Y + (25 * size.Y));
        var region = new JsonObject
        {
            ["type"] = "LineString",
            ["coordinates"] = new JsonArray(new JsonArray(x0, y0), new JsonArray(x1, y1)),
            ["crs"] = new JsonObject { ["type"] = "name", ["properties"] = new JsonObject { ["name"] = "EPSG:32618" } },
        };
        var (status, bytes, _, error) = await GetPixelsAsync(Rgb, new JsonObject { ["fileFormat"] = "GEO_TIFF", ["region"] = region });
        Assert.True(status == HttpStatusCode.OK, error);
        Assert.Equal((20, 5), (Inspect(bytes).Width, Inspect(bytes).Height));
        using var file = new PixelFiles.TempFile(bytes, ".tif");
        AssertCrop(TestData.Raster("RGB.byte.tif"), file.Path, 10, 20, 3);
    }

    [Fact]
    public async Task A_region_past_the_image_edge_reads_zeros_there()
    {
        var (origin, size) = await NativeGridAsync(Rgb);
        var region = new JsonObject
        {
            ["type"] = "MultiPoint",
            ["coordinates"] = new JsonArray(new JsonArray(origin.X - (10 * size.X), origin.Y), new JsonArray(origin.X + (10 * size.X), origin.Y + (5 * size.Y))),
            ["crs"] = new JsonObject { ["type"] = "name", ["properties"] = new JsonObject { ["name"] = "EPSG:32618" } },
        };
        var (status, bytes, _, error) = await GetPixelsAsync(Rgb, new JsonObject { ["fileFormat"] = "NPY", ["bandIds"] = new JsonArray("b2"), ["region"] = region });
        Assert.True(status == HttpStatusCode.OK, error);
        var npy = PixelFiles.Npy.Parse(bytes);
        Assert.Equal((5, 20), (npy.Height, npy.Width));
        var source = TestData.Raster("RGB.byte.tif");
        var (values, width, _) = GdalTool.Read(source, "2");
        var mask = GdalTool.Read(source, "mask,2").Values;
        for (var i = 0; i < 100; i++)
        {
            var (x, y) = ((i % 20) - 10, i / 20);
            var expected = x < 0 || mask[(y * width) + x] == 0 ? 0 : values[(y * width) + x];
            Assert.True(expected == npy.Value(i, 0), $"({x}, {y}): expected {expected}, got {npy.Value(i, 0)}.");
        }
    }

    [Fact]
    public async Task A_region_with_grid_dimensions_is_stretched_over_those_dimensions()
    {
        var (origin, size) = await NativeGridAsync(Rgb);
        var (x0, y0, x1, y1) = (origin.X, origin.Y + (100 * size.Y), origin.X + (100 * size.X), origin.Y);
        var region = new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = new JsonArray(new JsonArray(new JsonArray(x0, y0), new JsonArray(x1, y0), new JsonArray(x1, y1), new JsonArray(x0, y1), new JsonArray(x0, y0))),
            ["crs"] = new JsonObject { ["type"] = "name", ["properties"] = new JsonObject { ["name"] = "EPSG:32618" } },
        };
        var body = new JsonObject
        {
            ["fileFormat"] = "GEO_TIFF",
            ["region"] = region,
            ["grid"] = new JsonObject { ["dimensions"] = new JsonObject { ["width"] = 50, ["height"] = 25 } },
        };
        var (status, bytes, _, error) = await GetPixelsAsync(Rgb, body);
        Assert.True(status == HttpStatusCode.OK, error);
        var info = Inspect(bytes);
        Assert.Equal((50, 25), (info.Width, info.Height));
        var t = info.Transform!.Value;
        Assert.Equal((origin.X, origin.Y), (t.OriginX, t.OriginY));
        Assert.Equal(size.X * 2, t.PixelWidth, 1e-9);
        Assert.Equal(size.Y * 4, t.PixelHeight, 1e-9);
    }

    [Fact]
    public async Task Ranges_map_each_band_linearly_onto_0_to_255_and_clamp_even_for_byte_bands()
    {
        (double Min, double Max)[] ranges = [(50, 200), (200, 30), (0, 100)];
        var body = new JsonObject
        {
            ["fileFormat"] = "PNG",
            ["visualizationOptions"] = new JsonObject { ["ranges"] = new JsonArray([.. ranges.Select(r => new JsonObject { ["min"] = r.Min, ["max"] = r.Max })]) },
        };
        var (status, bytes, _, error) = await GetPixelsAsync(Rgb, body);
        Assert.True(status == HttpStatusCode.OK, error);
        using var file = new PixelFiles.TempFile(bytes, ".png");
        var source = TestData.Raster("RGB.byte.tif");
        var clamped = 0;
        for (var b = 0; b < 3; b++)
        {
            var mask = GdalTool.Read(source, "mask," + (b + 1).ToString(CultureInfo.InvariantCulture)).Values;
            var values = GdalTool.Read(source, (b + 1).ToString(CultureInfo.InvariantCulture)).Values;
            var (min, max) = ranges[b];
            var expected = values.Select((v, i) => mask[i] == 0 ? 0 : Math.Clamp(Math.Round((v - min) / (max - min) * 255, MidpointRounding.AwayFromZero), 0, 255)).ToArray();
            clamped += values.Where((v, i) => mask[i] != 0 && (v < Math.Min(min, max) || v > Math.Max(min, max))).Count();
            AssertValues(file.Path, (b + 1).ToString(CultureInfo.InvariantCulture), expected, $"band {b + 1} in [{min}, {max}]");
        }

        Assert.True(clamped > 0, "The ranges should clamp some pixels, or clamping is not tested.");
        AssertValues(file.Path, "4", MinimumMask(source, 3), "alpha");
    }

    [Fact]
    public async Task One_range_applies_to_every_band_and_a_visualized_geotiff_is_bytes_named_vis()
    {
        var body = new JsonObject
        {
            ["fileFormat"] = "GEO_TIFF",
            ["bandIds"] = new JsonArray("b3", "b2", "b1"),
            ["visualizationOptions"] = new JsonObject { ["ranges"] = new JsonArray(new JsonObject { ["min"] = 0, ["max"] = 30000 }) },
        };
        var (status, bytes, _, error) = await GetPixelsAsync(U16, body);
        Assert.True(status == HttpStatusCode.OK, error);
        var info = Inspect(bytes);
        Assert.Equal(3, info.BandCount);
        Assert.All(info.Bands, band => Assert.Equal(RasterDataType.Byte, band.DataType));
        using var file = new PixelFiles.TempFile(bytes, ".tif");
        Assert.Contains("vis-red", PixelFiles.GdalInfo(file.Path), StringComparison.Ordinal);
        var source = TestData.Raster("RGBA.uint16.tif");
        var mask = GdalTool.Read(source, "mask,1").Values;
        for (var b = 0; b < 3; b++)
        {
            var values = GdalTool.Read(source, (3 - b).ToString(CultureInfo.InvariantCulture)).Values;
            var expected = values.Select((v, i) => mask[i] == 0 ? 0 : Math.Clamp(Math.Round((v - 0) / (30000 - 0) * 255, MidpointRounding.AwayFromZero), 0, 255)).ToArray();
            AssertValues(file.Path, (b + 1).ToString(CultureInfo.InvariantCulture), expected, $"output band {b + 1}");
        }
    }

    [Fact]
    public async Task A_palette_colours_a_single_band_and_gamma_bends_the_stretch()
    {
        var body = new JsonObject
        {
            ["fileFormat"] = "PNG",
            ["visualizationOptions"] = new JsonObject
            {
                ["ranges"] = new JsonArray(new JsonObject { ["min"] = 0, ["max"] = 255 }),
                ["paletteColors"] = new JsonArray("000000", "#ff0000", "white"),
                ["gamma"] = 2,
            },
        };
        var (status, bytes, _, error) = await GetPixelsAsync(Grey, body);
        Assert.True(status == HttpStatusCode.OK, error);
        using var file = new PixelFiles.TempFile(bytes, ".png");
        Assert.Equal(4, Inspect(bytes).BandCount);
        var source = GdalTool.Read(TestData.Raster("byte.tif"), "1").Values;
        var stretched = source.Select(v => Math.Pow(v / 255, 1 / 2.0) * 2).ToArray();
        static double Round(double v) => Math.Round(v * 255, MidpointRounding.AwayFromZero);
        AssertValues(file.Path, "1", stretched.Select(s => s <= 1 ? Round(s) : 255).ToArray(), "red");
        AssertValues(file.Path, "2", stretched.Select(s => s <= 1 ? 0 : Round(s - 1)).ToArray(), "green");
        AssertValues(file.Path, "3", stretched.Select(s => s <= 1 ? 0 : Round(s - 1)).ToArray(), "blue");
    }

    [Fact]
    public async Task Opacity_scales_the_png_alpha_and_byte_values_pass_through_without_ranges()
    {
        var body = new JsonObject { ["fileFormat"] = "PNG", ["visualizationOptions"] = new JsonObject { ["opacity"] = 0.5 } };
        var (status, bytes, _, error) = await GetPixelsAsync(Grey, body);
        Assert.True(status == HttpStatusCode.OK, error);
        using var file = new PixelFiles.TempFile(bytes, ".png");
        var source = GdalTool.Read(TestData.Raster("byte.tif"), "1").Values;
        AssertValues(file.Path, "1", source, "grey");
        AssertValues(file.Path, "2", Enumerable.Repeat(128.0, source.Length).ToArray(), "alpha at opacity 0.5");
    }

    /// <summary>Requests at Earth Engine's limits: asset, body, expected status, words the message must contain (null when accepted).</summary>
    public static TheoryData<string, string, string?> Limits => new()
    {
        { Rgb, "{\"grid\":{\"dimensions\":{\"width\":40000,\"height\":10}}}", "Pixel grid dimensions (40000x10) must be less than or equal to 32768." },
        { Rgb, "{\"grid\":{\"dimensions\":{\"width\":10,\"height\":32769}}}", "Pixel grid dimensions (10x32769) must be less than or equal to 32768." },
        { Rgb, "{\"fileFormat\":\"NPY\",\"grid\":{\"dimensions\":{\"width\":4097,\"height\":4096}}}", "Total request size (50343936 bytes) must be less than or equal to 50331648 bytes." },
        { U16, "{\"fileFormat\":\"NPY\",\"grid\":{\"dimensions\":{\"width\":4096,\"height\":1537}}}", "Total request size (50364416 bytes) must be less than or equal to 50331648 bytes." },
        { U16, "{\"fileFormat\":\"NPY\",\"grid\":{\"dimensions\":{\"width\":4096,\"height\":1536}}}", null },
        { Rgb, "{\"bandIds\":[" + string.Join(',', Enumerable.Repeat("\"b1\"", 1025)) + "]}", "Number of bands (1025) must be less than or equal to 1024." },
        { Rgb, "{\"region\":{\"type\":\"LineString\",\"coordinates\":[[-75,-80],[-74,80]]}}", "Pixel grid dimensions (" },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task Requests_over_Earth_Engine_size_limits_are_400_and_at_the_limit_succeed(string asset, string body, string? message)
    {
        var (status, bytes, _, error) = await GetPixelsAsync(asset, body);
        if (message is null)
        {
            Assert.True(status == HttpStatusCode.OK, error);
            Assert.Equal((1536, 4096), (PixelFiles.Npy.Parse(bytes).Height, PixelFiles.Npy.Parse(bytes).Width));
            return;
        }

        AssertInvalid(status, error, message);
    }

    /// <summary>Malformed getPixels requests: asset, body, words the 400 message must contain.</summary>
    public static TheoryData<string, string, string> Malformed => new()
    {
        { Rgb, "{\"foo\":1}", "Unknown name \"foo\"" },
        { Rgb, "{\"fileFormat\":\"BMP\"}", "ImageFileFormat" },
        { Rgb, "{\"fileFormat\":\"TF_RECORD_IMAGE\"}", "fileFormat TF_RECORD_IMAGE is not supported by getPixels" },
        { Rgb, "{\"bandIds\":[\"zz\"]}", "bandIds: band 'zz' does not exist" },
        { U16, "{\"fileFormat\":\"PNG\"}", "bandIds: PNG and JPEG need 1 or 3 bands; the request has 4" },
        { Rgb, "{\"fileFormat\":\"JPEG\",\"bandIds\":[\"b1\",\"b2\"]}", "need 1 or 3 bands; the request has 2" },
        { U16, "{\"fileFormat\":\"PNG\",\"bandIds\":[\"b1\"]}", "visualizationOptions.ranges is required" },
        { Rgb, "{\"fileFormat\":\"PNG\",\"visualizationOptions\":{\"ranges\":[{\"min\":0,\"max\":1},{\"min\":0,\"max\":1}]}}", "visualizationOptions.ranges has 2 ranges for 3 bands" },
        { Rgb, "{\"fileFormat\":\"PNG\",\"visualizationOptions\":{\"ranges\":[{\"min\":5,\"max\":5}]}}", "visualizationOptions.ranges[0] must have different finite min and max" },
        { Rgb, "{\"fileFormat\":\"PNG\",\"visualizationOptions\":{\"paletteColors\":[\"red\",\"blue\"]}}", "visualizationOptions.paletteColors is only allowed when visualizing a single band" },
        { Grey, "{\"fileFormat\":\"PNG\",\"visualizationOptions\":{\"paletteColors\":[\"red\",\"notacolour\"]}}", "visualizationOptions.paletteColors[1] 'notacolour' is not a CSS colour" },
        { Grey, "{\"fileFormat\":\"PNG\",\"visualizationOptions\":{\"gamma\":0}}", "visualizationOptions.gamma must be a positive number" },
        { Grey, "{\"fileFormat\":\"PNG\",\"visualizationOptions\":{\"opacity\":1.5}}", "visualizationOptions.opacity must be between 0 and 1" },
        { Rgb, "{\"region\":\"somewhere\"}", "region must be a GeoJSON geometry object" },
        { Rgb, "{\"region\":{\"type\":\"Circle\",\"coordinates\":[0,0]}}", "region.type 'Circle' is not a GeoJSON geometry type" },
        { Rgb, "{\"region\":{\"type\":\"Point\"}}", "region.coordinates is required for a Point" },
        { Rgb, "{\"region\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[\"a\",1]]]}}", "region.coordinates[0][1] must be a position" },
        { Rgb, "{\"region\":{\"type\":\"Point\",\"coordinates\":[-75,25],\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:0\"}}}}", "region: " },
        { Rgb, "{\"region\":{\"type\":\"Point\",\"coordinates\":[-75,25],\"crs\":\"EPSG:4326\"}}", "region crs must be" },
        { Rgb, "{\"region\":{\"type\":\"Point\",\"coordinates\":[-75,25]},\"grid\":{\"dimensions\":{\"width\":10,\"height\":10}}}", "region: The region's bounding box in the output CRS has no area" },
        { Rgb, "{\"region\":{\"type\":\"Point\",\"coordinates\":[-75,25]},\"grid\":{\"crsCode\":\"EPSG:4326\"}}", "grid.affineTransform is required with a region" },
        { Rgb, "{\"grid\":{\"crsCode\":\"FOO\"}}", "grid.crsCode: " },
        { Rgb, "{\"grid\":{\"dimensions\":{\"width\":0,\"height\":10}}}", "grid.dimensions must be positive" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_requests_are_400_in_Googles_envelope_naming_the_field(string asset, string body, string message)
    {
        var (status, _, _, error) = await GetPixelsAsync(asset, body);
        AssertInvalid(status, error, message);
    }

    private static void AssertInvalid(HttpStatusCode status, string? error, string message)
    {
        Assert.True(status == HttpStatusCode.BadRequest, $"{status}: {error}");
        var json = JsonNode.Parse(error!)!["error"]!;
        Assert.Equal(400, json["code"]!.GetValue<int>());
        Assert.Equal("INVALID_ARGUMENT", json["status"]!.GetValue<string>());
        Assert.Contains(message, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, byte[] Bytes, string? ContentType, string? Error)> GetPixelsAsync(string asset, object body)
    {
        await IngestOnceAsync();
        using var client = host.Client(host.Token(Project));
        using var content = new StringContent(body as string ?? body.ToString()!, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/v1/projects/{Project}/assets/{asset}:getPixels", content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var error = response.IsSuccessStatusCode ? null : Encoding.UTF8.GetString(bytes);
        return (response.StatusCode, bytes, response.Content.Headers.ContentType?.MediaType, error ?? $"{response.StatusCode}");
    }

    /// <summary>Ingests the test assets once for the class (the host is shared by every class of the collection).</summary>
    private async Task IngestOnceAsync()
    {
        await s_ingestGate.WaitAsync();
        try
        {
            if (ReferenceEquals(s_ingestedInto, host))
            {
                return;
            }

            using var client = host.Client(host.Token(Project));
            foreach (var (asset, file) in s_assets)
            {
                var operation = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, asset, await host.UploadAsync(file)), overwrite: true);
                var done = await EeApi.PollAsync(client, operation["name"]!.GetValue<string>());
                Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
            }

            s_ingestedInto = host;
        }
        finally
        {
            s_ingestGate.Release();
        }
    }

    private async Task<((double X, double Y) Origin, (double X, double Y) Size)> NativeGridAsync(string asset)
    {
        await IngestOnceAsync();
        using var client = host.Client(host.Token(Project));
        var (_, json) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/{asset}");
        var t = json!["bands"]![0]!["grid"]!["affineTransform"]!;
        return ((t["translateX"]!.GetValue<double>(), t["translateY"]!.GetValue<double>()), (t["scaleX"]!.GetValue<double>(), t["scaleY"]!.GetValue<double>()));
    }

    /// <summary>Every output pixel equals the source pixel at the offset (masked source pixels are 0).</summary>
    private static void AssertCrop(string source, string output, int column, int row, int bands)
    {
        for (var b = 1; b <= bands; b++)
        {
            var band = b.ToString(CultureInfo.InvariantCulture);
            var (values, width, _) = GdalTool.Read(source, band);
            var mask = GdalTool.Read(source, "mask," + band).Values;
            var actual = GdalTool.Read(output, band);
            for (var i = 0; i < actual.Values.Length; i++)
            {
                var at = ((row + (i / actual.Width)) * width) + column + (i % actual.Width);
                var expected = mask[at] == 0 ? 0 : values[at];
                if (expected != actual.Values[i])
                {
                    Assert.Fail($"band {b} output ({i % actual.Width}, {i / actual.Width}): expected source ({at % width}, {at / width}) = {expected}, got {actual.Values[i]}.");
                }
            }
        }
    }

    /// <summary>The smallest GDAL mask of the first <paramref name="bands"/> bands at each pixel.</summary>
    private static double[] MinimumMask(string source, int bands) =>
        Enumerable.Range(1, bands).Select(b => GdalTool.Read(source, "mask," + b.ToString(CultureInfo.InvariantCulture)).Values)
            .Aggregate((a, m) => [.. a.Zip(m, Math.Min)]);

    private static void AssertValues(string path, string band, double[] expected, string what)
    {
        var actual = GdalTool.Read(path, band).Values;
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                Assert.Fail($"{what} pixel {i}: expected {expected[i]}, got {actual[i]}.");
            }
        }
    }

    private static RasterInfo Inspect(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return RasterInspector.Inspect(stream);
    }

    private static Dictionary<string, byte[]> Unzip(byte[] bytes)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }
}
