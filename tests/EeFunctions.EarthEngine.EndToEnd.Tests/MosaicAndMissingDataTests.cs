using System.Diagnostics;
using System.Text.Json.Nodes;
using EeFunctions.Testing;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

[Collection(EeHostGroup.Name)]
public sealed class MosaicAndMissingDataTests(EeHostFixture host)
{
    private const string Project = "mosaic-tests";

    [Fact]
    public async Task Two_halves_of_a_raster_mosaic_back_into_the_whole()
    {
        var left = await UploadPieceAsync("world.byte.tif", "world-left.tif", 0, 0, 1440, 1200);
        var right = await UploadPieceAsync("world.byte.tif", "world-right.tif", 1440, 0, 1440, 1200);
        using var client = host.Client(host.Token(Project));
        var manifest = EeApi.Manifest(Project, "mosaic/world", left);
        manifest["tilesets"]![0]!["sources"]!.AsArray().Add(new JsonObject { ["uris"] = new JsonArray(right) });
        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, manifest))["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/mosaic/world");
        try
        {
            PixelAssert.SameValidPixels(TestData.Raster("world.byte.tif"), output, 1);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task Pixels_no_source_covers_are_masked()
    {
        var topLeft = await UploadPieceAsync("byte.tif", "byte-tl.tif", 0, 0, 10, 10);
        var bottomRight = await UploadPieceAsync("byte.tif", "byte-br.tif", 10, 10, 10, 10);
        using var client = host.Client(host.Token(Project));
        var manifest = EeApi.Manifest(Project, "mosaic/gappy", topLeft);
        manifest["tilesets"]![0]!["sources"]!.AsArray().Add(new JsonObject { ["uris"] = new JsonArray(bottomRight) });
        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, manifest))["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/mosaic/gappy");
        try
        {
            var source = GdalTool.Read(TestData.Raster("byte.tif"), "1");
            var actual = GdalTool.Read(output, "1");
            for (var i = 0; i < 400; i++)
            {
                var (x, y) = (i % 20, i / 20);
                var covered = (x < 10 && y < 10) || (x >= 10 && y >= 10);
                Assert.Equal(covered ? source.Values[i] : 0, actual.Values[i]);
            }
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task Manifest_missing_data_values_are_masked()
    {
        using var client = host.Client(host.Token(Project));
        var source = GdalTool.Read(TestData.Raster("byte.tif"), "1");
        var value = source.Values[0];
        var manifest = EeApi.Manifest(Project, "missing/byte", await host.UploadAsync("byte.tif"));
        manifest["missingData"] = new JsonObject { ["values"] = new JsonArray(value) };
        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, manifest))["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        var (_, asset) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/missing/byte");
        Assert.Equal(value, asset!["bands"]![0]!["missingData"]!["values"]![0]!.GetValue<double>());
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/missing/byte");
        try
        {
            var actual = GdalTool.Read(output, "1");
            Assert.Contains(source.Values, v => v == value);
            for (var i = 0; i < source.Values.Length; i++)
            {
                Assert.Equal(source.Values[i] == value ? 0 : source.Values[i], actual.Values[i]);
            }
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task A_source_affine_transform_from_the_manifest_georeferences_the_image()
    {
        using var client = host.Client(host.Token(Project));
        var manifest = EeApi.Manifest(Project, "transform/float", await host.UploadAsync("float.tif"), crs: "EPSG:4326");
        manifest["tilesets"]![0]!["sources"]![0]!["affineTransform"] = new JsonObject { ["scaleX"] = 0.5, ["shearX"] = 0, ["translateX"] = 10, ["shearY"] = 0, ["scaleY"] = -0.25, ["translateY"] = 50 };
        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, manifest))["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        var (_, asset) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/transform/float");
        var t = asset!["bands"]![0]!["grid"]!["affineTransform"]!;
        Assert.Equal((0.5, 10.0, -0.25, 50.0), (t["scaleX"]!.GetValue<double>(), t["translateX"]!.GetValue<double>(), t["scaleY"]!.GetValue<double>(), t["translateY"]!.GetValue<double>()));
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/transform/float");
        try
        {
            PixelAssert.SameValidPixels(TestData.Raster("float.tif"), output, 1);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task The_last_band_of_a_mask_tileset_masks_the_other_bands()
    {
        using var client = host.Client(host.Token(Project));
        var manifest = EeApi.Manifest(Project, "mask/rgba", await host.UploadAsync("RGBA.byte.tif"));
        manifest["maskBands"] = new JsonArray(new JsonObject { ["tilesetId"] = "ts" });
        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, manifest))["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        var (_, asset) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/mask/rgba");
        Assert.Equal(3, asset!["bands"]!.AsArray().Count);
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/mask/rgba");
        try
        {
            var alpha = GdalTool.Read(TestData.Raster("RGBA.byte.tif"), "4");
            Assert.Contains(alpha.Values, v => v == 0);
            for (var b = 1; b <= 3; b++)
            {
                var source = GdalTool.Read(TestData.Raster("RGBA.byte.tif"), $"{b}");
                var actual = GdalTool.Read(output, $"{b}");
                for (var i = 0; i < source.Values.Length; i++)
                {
                    Assert.Equal(alpha.Values[i] == 0 ? 0 : source.Values[i], actual.Values[i]);
                }
            }
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task In_a_mosaic_the_last_band_of_each_source_masks_its_own_pixels_and_gaps_stay_masked()
    {
        var left = await UploadPieceAsync("RGBA.byte.tif", "rgba-left.tif", 0, 0, 400, 718);
        var right = await UploadPieceAsync("RGBA.byte.tif", "rgba-right.tif", 450, 0, 341, 718);
        using var client = host.Client(host.Token(Project));
        var manifest = EeApi.Manifest(Project, "mask/mosaic", left);
        manifest["tilesets"]![0]!["sources"]!.AsArray().Add(new JsonObject { ["uris"] = new JsonArray(right) });
        manifest["maskBands"] = new JsonArray(new JsonObject { ["tilesetId"] = "ts" });

        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, manifest))["name"]!.GetValue<string>());

        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/mask/mosaic");
        try
        {
            var alpha = GdalTool.Read(TestData.Raster("RGBA.byte.tif"), "4");
            Assert.Contains(alpha.Values, v => v == 0);
            for (var b = 1; b <= 3; b++)
            {
                var source = GdalTool.Read(TestData.Raster("RGBA.byte.tif"), $"{b}");
                var actual = GdalTool.Read(output, $"{b}");
                Assert.Equal((791, 718), (actual.Width, actual.Height));
                for (var i = 0; i < source.Values.Length; i++)
                {
                    var x = i % 791;
                    var covered = x < 400 || x >= 450;
                    Assert.Equal(covered && alpha.Values[i] != 0 ? source.Values[i] : 0, actual.Values[i]);
                }
            }
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task A_VRT_source_is_refused_before_GDAL_follows_it()
    {
        var blob = host.Sources.GetBlobClient("evil.tif");
        await blob.UploadAsync(BinaryData.FromString("<VRTDataset rasterXSize=\"1\" rasterYSize=\"1\"><VRTRasterBand dataType=\"Byte\" band=\"1\"><SimpleSource><SourceFilename>/etc/passwd</SourceFilename></SimpleSource></VRTRasterBand></VRTDataset>"), overwrite: true);
        using var client = host.Client(host.Token(Project));
        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "evil/vrt", "gs://sources/evil.tif")))["name"]!.GetValue<string>());
        Assert.Equal("FAILED", EeApi.State(done));
        Assert.Contains("is XML", done["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<string> UploadPieceAsync(string file, string name, int x, int y, int width, int height)
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".tif");
        try
        {
            var start = new ProcessStartInfo("gdal_translate") { RedirectStandardError = true };
            foreach (var a in new[] { "-q", "-srcwin", $"{x}", $"{y}", $"{width}", $"{height}", TestData.Raster(file), path })
            {
                start.ArgumentList.Add(a);
            }

            using (var process = Process.Start(start)!)
            {
                await process.WaitForExitAsync();
                Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
            }

            var blob = host.Sources.GetBlobClient(name);
            await using var stream = File.OpenRead(path);
            await blob.UploadAsync(stream, overwrite: true);
            return $"gs://{EeHostFixture.SourcesContainer}/{name}";
        }
        finally
        {
            File.Delete(path);
        }
    }
}
