using System.Net;
using System.Text.Json.Nodes;
using EeFunctions.Testing;
using static EeFunctions.EarthEngine.EndToEnd.Tests.ExportTests;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>image:computePixels and thumbnails: an expression's pixels answered at once, checked against gdalwarp.</summary>
[Collection(EeHostGroup.Name)]
public sealed class ComputePixelsTests(EeHostFixture host) : IAsyncLifetime
{
    private const string Project = "export-tests";

    public async Task InitializeAsync()
    {
        using var client = host.Client(host.Token(Project));
        var (status, _) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/exp/rgb");
        if (status != HttpStatusCode.OK)
        {
            var operation = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "exp/rgb", await host.UploadAsync("RGB.byte.tif")), overwrite: true);
            Assert.Equal("SUCCEEDED", EeApi.State(await EeApi.PollAsync(client, operation["name"]!.GetValue<string>())));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Compute_pixels_of_a_clipped_rescaled_image_equals_gdalwarp_nearest()
    {
        var region = Call("GeometryConstructors.Rectangle", ("coordinates", Constant(new JsonArray(150000, 2650000, 180000, 2680000))), ("crs", Call("Projection", ("crs", Constant("EPSG:32618")))), ("geodesic", Constant(false)));
        var body = new JsonObject
        {
            ["expression"] = Expression(Call("Image.clipToBoundsAndScale", ("input", Select("b1", "b2", "b3")), ("geometry", region), ("scale", Constant(100)))),
            ["fileFormat"] = "GEO_TIFF",
        };
        using var client = host.Client(host.Token(Project));
        var path = await PostPixelsAsync(client, $"/v1/projects/{Project}/image:computePixels", body, "image/tiff");
        var expected = Path.Combine(Path.GetTempPath(), "eewarp-" + Guid.NewGuid().ToString("N") + ".tif");
        try
        {
            GdalTool.Run("gdalwarp", "-q", "-te", "150000", "2650000", "180000", "2680000", "-tr", "100", "100", "-r", "near", "-dstnodata", "0", TestData.Raster("RGB.byte.tif"), expected);
            for (var b = 1; b <= 3; b++)
            {
                var band = b.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(GdalTool.Read(expected, band).Values, GdalTool.Read(path, band).Values);
            }
        }
        finally
        {
            File.Delete(path);
            File.Delete(expected);
        }
    }

    [Fact]
    public async Task Load_GeoTIFF_reads_a_blob_in_place_with_bands_B0_B1_B2()
    {
        var uri = await host.UploadAsync("RGB.byte.tif");
        var image = Call("Image.select", ("input", Call("Image.loadGeoTIFF", ("uri", Constant(uri)))), ("bandSelectors", Constant(new JsonArray("B2", "B0"))));
        var region = Call("GeometryConstructors.Rectangle", ("coordinates", Constant(new JsonArray(150000, 2650000, 180000, 2680000))), ("crs", Call("Projection", ("crs", Constant("EPSG:32618")))), ("geodesic", Constant(false)));
        var body = new JsonObject { ["expression"] = Expression(Call("Image.clipToBoundsAndScale", ("input", image), ("geometry", region), ("scale", Constant(100)))) };
        using var client = host.Client(host.Token(Project));
        var path = await PostPixelsAsync(client, $"/v1/projects/{Project}/image:computePixels", body, "image/tiff");
        var expected = Path.Combine(Path.GetTempPath(), "eewarp-" + Guid.NewGuid().ToString("N") + ".tif");
        try
        {
            GdalTool.Run("gdalwarp", "-q", "-te", "150000", "2650000", "180000", "2680000", "-tr", "100", "100", "-r", "near", "-dstnodata", "0", TestData.Raster("RGB.byte.tif"), expected);
            Assert.Equal(GdalTool.Read(expected, "3").Values, GdalTool.Read(path, "1").Values);
            Assert.Equal(GdalTool.Read(expected, "1").Values, GdalTool.Read(path, "2").Values);
            Assert.Equal(["B2", "B0"], GdalTool.Info(path)["bands"]!.AsArray().Select(b => b!["description"]!.GetValue<string>()));
        }
        finally
        {
            File.Delete(path);
            File.Delete(expected);
        }

        var missing = new JsonObject { ["expression"] = Expression(Call("Image.loadGeoTIFF", ("uri", Constant("gs://sources/none.tif")))) };
        var (status, error, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:computePixels", missing.ToJsonString());
        response.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Image.loadGeoTIFF: ", error!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compute_pixels_visualizes_band_math_as_a_PNG()
    {
        var nd = Call("Image.normalizedDifference", ("input", Load()), ("bandNames", Constant(new JsonArray("b1", "b2"))));
        var region = Call("GeometryConstructors.Rectangle", ("coordinates", Constant(new JsonArray(150000, 2650000, 180000, 2680000))), ("crs", Call("Projection", ("crs", Constant("EPSG:32618")))), ("geodesic", Constant(false)));
        var body = new JsonObject
        {
            ["expression"] = Expression(Call("Image.clipToBoundsAndScale", ("input", nd), ("geometry", region), ("width", Constant(64)), ("height", Constant(32)))),
            ["fileFormat"] = "PNG",
            ["visualizationOptions"] = new JsonObject { ["ranges"] = new JsonArray(new JsonObject { ["min"] = -1, ["max"] = 1 }), ["paletteColors"] = new JsonArray("000000", "00ff00") },
        };
        using var client = host.Client(host.Token(Project));
        var path = await PostPixelsAsync(client, $"/v1/projects/{Project}/image:computePixels", body, "image/png");
        try
        {
            var info = GdalTool.Info(path);
            Assert.Equal([64, 32], info["size"]!.AsArray().Select(v => v!.GetValue<int>()));
            Assert.Equal(4, info["bands"]!.AsArray().Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("TF_RECORD_IMAGE", "TF_RECORD_IMAGE")]
    [InlineData("GEO_TIFF", "Image.load: Image asset 'projects/export-tests/assets/none' not found.")]
    public async Task A_bad_computation_is_a_400_in_Earth_Engines_envelope(string format, string message)
    {
        var id = format == "GEO_TIFF" ? "projects/export-tests/assets/none" : "projects/export-tests/assets/exp/rgb";
        var body = new JsonObject { ["expression"] = Expression(Call("Image.load", ("id", Constant(id)))), ["fileFormat"] = format };
        using var client = host.Client(host.Token(Project));
        var (status, json, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:computePixels", body.ToJsonString());
        response.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, json!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_thumbnail_is_created_checked_and_served_without_a_token()
    {
        var region = Call("GeometryConstructors.Rectangle", ("coordinates", Constant(new JsonArray(150000, 2650000, 180000, 2680000))), ("crs", Call("Projection", ("crs", Constant("EPSG:32618")))), ("geodesic", Constant(false)));
        var expression = Expression(Call("Image.clipToBoundsAndScale", ("input", Select("b1", "b2", "b3")), ("geometry", region), ("maxDimension", Constant(100))));
        using var client = host.Client(host.Token(Project));
        var (status, thumbnail, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/thumbnails", new JsonObject { ["expression"] = expression, ["fileFormat"] = "PNG" }.ToJsonString());
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, thumbnail?.ToJsonString());
        var name = thumbnail!["name"]!.GetValue<string>();
        Assert.StartsWith($"projects/{Project}/thumbnails/", name, StringComparison.Ordinal);

        using var anonymous = host.Client(null);
        using var pixels = await anonymous.GetAsync($"/v1/{name}:getPixels");
        Assert.Equal(HttpStatusCode.OK, pixels.StatusCode);
        Assert.Equal("image/png", pixels.Content.Headers.ContentType!.MediaType);
        var path = Path.Combine(Path.GetTempPath(), "eethumb-" + Guid.NewGuid().ToString("N") + ".png");
        await File.WriteAllBytesAsync(path, await pixels.Content.ReadAsByteArrayAsync());
        try
        {
            Assert.Equal([100, 100], GdalTool.Info(path)["size"]!.AsArray().Select(v => v!.GetValue<int>()));
        }
        finally
        {
            File.Delete(path);
        }

        var (missing, _) = await EeApi.GetAsync(anonymous, $"/v1/projects/{Project}/thumbnails/AAAAAAAAAAAAAAAAAAAAAAAA:getPixels");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        var (bad, error, badResponse) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/thumbnails", new JsonObject { ["expression"] = Expression(Call("Image.fancy")) }.ToJsonString());
        badResponse.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("Algorithm 'Image.fancy' is not supported by this server.", error!["error"]!["message"]!.GetValue<string>());
    }

    private static async Task<string> PostPixelsAsync(HttpClient client, string path, JsonObject body, string contentType)
    {
        var (status, json, response) = await EeApi.PostAsync(client, path, body.ToJsonString());
        using (response)
        {
            Assert.True(status == HttpStatusCode.OK, $"{status}: {json}");
            Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
            var file = Path.Combine(Path.GetTempPath(), "eecompute-" + Guid.NewGuid().ToString("N") + (contentType == "image/png" ? ".png" : ".tif"));
            await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
            return file;
        }
    }
}
