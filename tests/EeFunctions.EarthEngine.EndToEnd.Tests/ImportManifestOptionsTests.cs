using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using EeFunctions.Testing;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>A tileset's dataType, several missing-data values and skipMetadataRead, through HTTP with gdal-bin as the oracle.</summary>
[Collection(EeHostGroup.Name)]
public sealed class ImportManifestOptionsTests(EeHostFixture host)
{
    private const string Project = "manifest-options";

    [Theory]
    [InlineData("INT16", "INT", -32768.0, 32767.0)]
    [InlineData("FLOAT", "FLOAT", null, null)]
    public async Task A_byte_source_stored_as_a_wider_type_keeps_its_values_and_registers_that_type(string dataType, string precision, double? min, double? max)
    {
        using var client = host.Client(host.Token(Project));
        var asset = $"types/byte-{dataType.ToLowerInvariant()}";
        var manifest = EeApi.Manifest(Project, asset, await host.UploadAsync("byte.tif"));
        manifest["tilesets"]![0]!["dataType"] = dataType;
        var band = await ImportBandAsync(client, asset, manifest);
        Assert.Equal(precision, band["dataType"]!["precision"]!.GetValue<string>());
        Assert.Equal(min, band["dataType"]!["range"]?["min"]?.GetValue<double>());
        Assert.Equal(max, band["dataType"]!["range"]?["max"]?.GetValue<double>());
        await WithPixelsAsync(client, asset, output =>
        {
            Assert.Equal(dataType == "INT16" ? "Int16" : "Float32", BandType(output));
            PixelAssert.SameValidPixels(TestData.Raster("byte.tif"), output, 1);
        });
    }

    [Theory]
    [InlineData("float.tif")]
    [InlineData("float_raster_with_nodata.tif")]
    public async Task A_float_source_stored_as_INT16_is_converted_as_GDAL_converts_and_its_no_data_stays_masked(string file)
    {
        using var client = host.Client(host.Token(Project));
        var asset = $"types/{Path.GetFileNameWithoutExtension(file).Replace('_', '-')}-int16";
        var manifest = EeApi.Manifest(Project, asset, await host.UploadAsync(file), crs: "EPSG:4326");
        manifest["tilesets"]![0]!["dataType"] = "INT16";
        var band = await ImportBandAsync(client, asset, manifest);
        Assert.Equal("INT", band["dataType"]!["precision"]!.GetValue<string>());
        var converted = Translate(TestData.Raster(file), "Int16");
        try
        {
            var expected = GdalTool.Read(converted, "1");
            var mask = GdalTool.Read(TestData.Raster(file), "mask,1");
            await WithPixelsAsync(client, asset, output =>
            {
                Assert.Equal("Int16", BandType(output));
                var actual = GdalTool.Read(output, "1");
                Assert.Equal(expected.Values.Length, actual.Values.Length);
                for (var i = 0; i < expected.Values.Length; i++)
                {
                    Assert.Equal(mask.Values[i] == 0 ? 0 : expected.Values[i], actual.Values[i]);
                }
            });
        }
        finally
        {
            File.Delete(converted);
        }
    }

    [Fact]
    public async Task INT8_is_refused_with_a_400_naming_the_tileset()
    {
        using var client = host.Client(host.Token(Project));
        var manifest = EeApi.Manifest(Project, "types/int8", await host.UploadAsync("byte.tif"));
        manifest["tilesets"]![0]!["dataType"] = "INT8";
        var (status, body, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:import", new JsonObject { ["imageManifest"] = manifest });
        response.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("tilesets[0].dataType INT8", body!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_manifest_missing_data_value_is_masked_and_listed_on_the_band()
    {
        using var client = host.Client(host.Token(Project));
        var source = GdalTool.Read(TestData.Raster("byte.tif"), "1");
        double[] values = [132, 123, 115];
        Assert.All(values, v => Assert.Contains(v, source.Values));
        var manifest = EeApi.Manifest(Project, "missing/byte-three", await host.UploadAsync("byte.tif"));
        manifest["missingData"] = new JsonObject { ["values"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) };
        var band = await ImportBandAsync(client, "missing/byte-three", manifest);
        Assert.Equal(values, band["missingData"]!["values"]!.AsArray().Select(v => v!.GetValue<double>()));
        await WithPixelsAsync(client, "missing/byte-three", output =>
        {
            var actual = GdalTool.Read(output, "1");
            for (var i = 0; i < source.Values.Length; i++)
            {
                Assert.Equal(values.Contains(source.Values[i]) ? 0 : source.Values[i], actual.Values[i]);
            }
        });
    }

    [Fact]
    public async Task Each_band_masks_its_own_missing_data_values_and_no_other_band_is_touched()
    {
        using var client = host.Client(host.Token(Project));
        var path = TestData.Raster("RGB.byte.tif");
        var sources = Enumerable.Range(1, 3).Select(b => GdalTool.Read(path, $"{b}").Values).ToArray();

        // Each band's three most common non-zero values: present, and different per band.
        var lists = sources.Select(v => v.Where(x => x != 0).GroupBy(x => x).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Take(3).Select(g => g.Key).ToArray()).ToArray();
        var bands = new JsonArray([.. Enumerable.Range(0, 3).Select(b => (JsonNode)new JsonObject
        {
            ["id"] = $"b{b + 1}",
            ["tilesetId"] = "ts",
            ["tilesetBandIndex"] = b,
            ["missingData"] = new JsonObject { ["values"] = new JsonArray([.. lists[b].Select(v => (JsonNode)v)]) },
        })]);
        var manifest = EeApi.Manifest(Project, "missing/rgb-per-band", await host.UploadAsync("RGB.byte.tif"), bands: bands);
        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, manifest))["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        await WithPixelsAsync(client, "missing/rgb-per-band", output =>
        {
            for (var b = 0; b < 3; b++)
            {
                var mask = GdalTool.Read(path, $"mask,{b + 1}").Values;
                var actual = GdalTool.Read(output, $"{b + 1}").Values;
                for (var i = 0; i < actual.Length; i++)
                {
                    var masked = mask[i] == 0 || lists[b].Contains(sources[b][i]);
                    Assert.Equal(masked ? 0 : sources[b][i], actual[i]);
                }
            }
        });
    }

    [Fact]
    public async Task skipMetadataRead_takes_grid_and_type_from_the_manifest_and_ignores_the_file_no_data()
    {
        using var client = host.Client(host.Token(Project));
        var manifest = SkipManifest("skip/float", await host.UploadAsync("float_raster_with_nodata.tif"), 13, 12);
        var band = await ImportBandAsync(client, "skip/float", manifest);
        Assert.Equal("EPSG:4326", band["grid"]!["crsCode"]!.GetValue<string>());
        var t = band["grid"]!["affineTransform"]!;
        Assert.Equal((0.5, 10.0, -0.25, 50.0), (t["scaleX"]!.GetValue<double>(), t["translateX"]!.GetValue<double>(), t["scaleY"]!.GetValue<double>(), t["translateY"]!.GetValue<double>()));
        Assert.Null(band["missingData"]);
        Assert.Equal("DOUBLE", band["dataType"]!["precision"]!.GetValue<string>());
        var source = GdalTool.Read(TestData.Raster("float_raster_with_nodata.tif"), "1");
        Assert.Contains(source.Values, v => v < -1e38);
        await WithPixelsAsync(client, "skip/float", output =>
        {
            Assert.Equal("Float64", BandType(output));
            Assert.Equal(source.Values, GdalTool.Read(output, "1").Values);
        });
    }

    [Fact]
    public async Task skipMetadataRead_with_dimensions_that_are_not_the_file_fails_naming_the_source()
    {
        using var client = host.Client(host.Token(Project));
        var manifest = SkipManifest("skip/wrong-size", await host.UploadAsync("float_raster_with_nodata.tif"), 12, 12);
        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, manifest))["name"]!.GetValue<string>());
        Assert.Equal("FAILED", EeApi.State(done));
        var message = done["error"]!["message"]!.GetValue<string>();
        Assert.Contains("float_raster_with_nodata.tif", message, StringComparison.Ordinal);
        Assert.Contains("13x12", message, StringComparison.Ordinal);
    }

    private static JsonObject SkipManifest(string asset, string uri, int width, int height)
    {
        var manifest = EeApi.Manifest(Project, asset, uri, crs: "EPSG:4326");
        manifest["skipMetadataRead"] = true;
        manifest["tilesets"]![0]!["dataType"] = "DOUBLE";
        var source = manifest["tilesets"]![0]!["sources"]![0]!;
        source["affineTransform"] = new JsonObject { ["scaleX"] = 0.5, ["shearX"] = 0, ["translateX"] = 10, ["shearY"] = 0, ["scaleY"] = -0.25, ["translateY"] = 50 };
        source["dimensions"] = new JsonObject { ["width"] = width, ["height"] = height };
        return manifest;
    }

    private static async Task<JsonNode> ImportBandAsync(HttpClient client, string asset, JsonObject manifest)
    {
        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, manifest))["name"]!.GetValue<string>());
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        var (_, body) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/{asset}");
        return body!["bands"]![0]!;
    }

    private static async Task WithPixelsAsync(HttpClient client, string asset, Action<string> check)
    {
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/{asset}");
        try
        {
            check(output);
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>gdal_translate's conversion of a file to another pixel type: the oracle for stored values.</summary>
    private static string Translate(string source, string type)
    {
        var output = Path.Combine(Path.GetTempPath(), "eeconv-" + Guid.NewGuid().ToString("N") + ".tif");
        Run("gdal_translate", "-q", "-ot", type, source, output);
        return output;
    }

    private static string BandType(string path)
    {
        var info = Run("gdalinfo", path);
        var at = info.IndexOf("Type=", StringComparison.Ordinal);
        return info[(at + 5)..info.IndexOf(',', at)];
    }

    private static string Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {error}");
        return output;
    }
}
