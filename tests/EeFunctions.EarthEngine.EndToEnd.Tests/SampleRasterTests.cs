using System.Globalization;
using System.Text.Json.Nodes;
using EeFunctions.Testing;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

[Collection(EeHostGroup.Name)]
public sealed class SampleRasterTests(EeHostFixture host)
{
    private const string Project = "sample-rasters";

    /// <summary>GeoTIFFs with a CRS, and their band counts.</summary>
    public static TheoryData<string, int> Georeferenced => new()
    {
        { "RGB.byte.tif", 3 }, { "RGBA.byte.tif", 4 }, { "RGBA.uint16.tif", 4 }, { "all-nodata.tif", 4 }, { "alpha.tif", 4 },
        { "byte.tif", 1 }, { "cogeo.tif", 3 }, { "float_raster_with_extra_nodata.tif", 1 }, { "float_raster_with_nodata.tif", 1 },
        { "goes.tif", 3 }, { "green.tif", 3 }, { "red.tif", 3 }, { "rgb-byte-tenth.tif", 3 }, { "rgb1_fake_nir_epsg3857.tif", 1 },
        { "rgb_deflate.tif", 3 }, { "rgb_lzw.tif", 3 }, { "shade.tif", 1 }, { "test_esri_wkt.tif", 1 }, { "world.byte.tif", 1 },
    };

    /// <summary>GeoTIFFs without a CRS.</summary>
    public static TheoryData<string, int> NotGeoreferenced => new() { { "float.tif", 1 }, { "float32.tif", 1 }, { "float_nan.tif", 1 }, { "rotated.tif", 1 } };

    [Theory]
    [MemberData(nameof(Georeferenced))]
    public async Task Every_georeferenced_sample_ingests_and_reads_back_equal_on_every_valid_pixel(string file, int bands)
    {
        using var client = host.Client(host.Token(Project));
        var asset = "samples/" + AssetId(file);
        var operation = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, asset, await host.UploadAsync(file)), overwrite: true);
        var done = await EeApi.PollAsync(client, operation["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());

        var (_, json) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/{asset}");
        Assert.Equal(bands, json!["bands"]!.AsArray().Count);
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/{asset}");
        try
        {
            PixelAssert.SameValidPixels(TestData.Raster(file), output, bands);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Theory]
    [MemberData(nameof(NotGeoreferenced))]
    public async Task A_sample_without_a_CRS_is_rejected_unless_the_manifest_gives_one(string file, int bands)
    {
        using var client = host.Client(host.Token(Project));
        var uri = await host.UploadAsync(file);
        var asset = "nocrs/" + AssetId(file);
        var rejected = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, asset, uri)))["name"]!.GetValue<string>());
        Assert.Equal("FAILED", EeApi.State(rejected));
        Assert.Contains("has no CRS", rejected["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(3, rejected["error"]!["code"]!.GetValue<int>());
        var (missing, _) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/{asset}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing);

        var accepted = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, asset, uri, crs: "EPSG:4326")))["name"]!.GetValue<string>());
        Assert.True(EeApi.State(accepted) == "SUCCEEDED", accepted.ToJsonString());
        var (_, json) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/{asset}");
        Assert.Equal("EPSG:4326", json!["bands"]![0]!["grid"]!["crsCode"]!.GetValue<string>());
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/{asset}");
        try
        {
            PixelAssert.SameValidPixels(TestData.Raster(file), output, bands);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task A_corrupt_GeoTIFF_ends_FAILED_naming_the_source()
    {
        using var client = host.Client(host.Token(Project));
        var uri = await host.UploadAsync("corrupt.tif");
        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "bad/corrupt", uri)))["name"]!.GetValue<string>());
        Assert.Equal("FAILED", EeApi.State(done));
        Assert.Contains(uri, done["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var (missing, _) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/bad/corrupt");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing);
        Assert.Empty(await host.TileBlobsAsync(Project, "bad/corrupt"));
    }

    [Theory]
    [InlineData("MEAN")]
    [InlineData("SAMPLE")]
    [InlineData("MIN")]
    [InlineData("MAX")]
    [InlineData("MODE")]
    [InlineData("MEDIAN")]
    public async Task Pyramid_level_1_follows_the_pyramiding_policy(string policy)
    {
        using var client = host.Client(host.Token(Project));
        var asset = "policy/" + policy.ToLowerInvariant();
        var manifest = EeApi.Manifest(Project, asset, await host.UploadAsync("world.byte.tif"), policy: policy);
        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, manifest, overwrite: true))["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        var (_, json) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/{asset}");
        var grid = json!["bands"]![0]!["grid"]!;
        Assert.Equal(policy, json["bands"]![0]!["pyramidingPolicy"]!.GetValue<string>());
        var t = grid["affineTransform"]!;
        var request = new JsonObject
        {
            ["fileFormat"] = "GEO_TIFF",
            ["grid"] = new JsonObject
            {
                ["crsCode"] = grid["crsCode"]!.GetValue<string>(),
                ["dimensions"] = new JsonObject { ["width"] = 1440, ["height"] = 600 },
                ["affineTransform"] = new JsonObject
                {
                    ["scaleX"] = t["scaleX"]!.GetValue<double>() * 2, ["shearX"] = 0, ["translateX"] = t["translateX"]!.GetValue<double>(),
                    ["shearY"] = 0, ["scaleY"] = t["scaleY"]!.GetValue<double>() * 2, ["translateY"] = t["translateY"]!.GetValue<double>(),
                },
            },
        };
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/{asset}", request);
        try
        {
            var source = GdalTool.Read(TestData.Raster("world.byte.tif"), "1");
            var actual = GdalTool.Read(output, "1");
            Assert.Equal((1440, 600), (actual.Width, actual.Height));
            for (var y = 0; y < 600; y++)
            {
                for (var x = 0; x < 1440; x++)
                {
                    double[] c = [source.Values[(2 * y * 2880) + (2 * x)], source.Values[(2 * y * 2880) + (2 * x) + 1], source.Values[((2 * y + 1) * 2880) + (2 * x)], source.Values[((2 * y + 1) * 2880) + (2 * x) + 1]];
                    var expected = Expected(policy, c);
                    if (expected != actual.Values[(y * 1440) + x])
                    {
                        Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{policy} parent ({x}, {y}) of [{string.Join(", ", c)}]: expected {expected}, got {actual.Values[(y * 1440) + x]}."));
                    }
                }
            }
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static double Expected(string policy, double[] c)
    {
        var sorted = c.Order().ToArray();
        return policy switch
        {
            "MEAN" => Math.Round(c.Average(), MidpointRounding.AwayFromZero),
            "SAMPLE" => c[0],
            "MIN" => sorted[0],
            "MAX" => sorted[3],
            "MODE" => c.GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key,
            _ => Math.Round((sorted[1] + sorted[2]) / 2, MidpointRounding.AwayFromZero),
        };
    }

    private static string AssetId(string file) => Path.GetFileNameWithoutExtension(file).Replace('.', '_');
}
