using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using EeFunctions.Testing;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary><c>image:importExternal</c>: COG-backed images registered without copying pixels, read through to the COG.</summary>
[Collection(EeHostGroup.Name)]
public sealed class ImportExternalTests(EeHostFixture host)
{
    private const string Project = "external-cogs";

    /// <summary>Shared GeoTIFFs that cannot back an external image, and a word the reason must contain.</summary>
    public static TheoryData<string, string> NotCogs => new()
    {
        { "RGB.byte.tif", "blocks are 791x3" }, { "RGBA.uint16.tif", "blocks are 634x1" }, { "byte.tif", "blocks are 20x20" },
        { "green.tif", "blocks are 16x16" }, { "rgb1_fake_nir_epsg3857.tif", "blocks are 676x12" },
        { "alpha.tif", "no overviews" }, { "shade.tif", "no overviews" }, { "world.byte.tif", "no overviews" }, { "rgb_lzw.tif", "no overviews" },
        { "float32.tif", "has no CRS" }, { "389225main_sw_1965_1024.jpg", "has no CRS" },
    };

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> ImportExternalAsync(HttpClient client, JsonObject manifest, bool? overwrite = null, string version = "v1alpha")
    {
        var body = new JsonObject { ["imageManifest"] = manifest };
        if (overwrite is not null)
        {
            body["overwrite"] = overwrite;
        }

        var (status, json, response) = await EeApi.PostAsync(client, $"/{version}/projects/{Project}/image:importExternal", body);
        response.Dispose();
        return (status, json);
    }

    [Theory]
    [InlineData("cogeo.tif", 3, "v1alpha")]
    [InlineData("goes.tif", 3, "v1")]
    public async Task A_COG_is_registered_without_copying_pixels_and_reads_back_equal(string file, int bands, string version)
    {
        using var client = host.Client(host.Token(Project));
        var asset = "ext/" + Path.GetFileNameWithoutExtension(file).Replace('.', '-');
        var uri = await host.UploadAsync(file, "external/" + file);

        var (status, body) = await ImportExternalAsync(client, EeApi.Manifest(Project, asset, uri), overwrite: true, version: version);

        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal("{}", body!.ToJsonString());
        var (_, json) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/{asset}");
        Assert.Equal("IMAGE", json!["type"]!.GetValue<string>());
        Assert.Equal(bands, json["bands"]!.AsArray().Count);
        Assert.NotNull(json["bands"]![0]!["grid"]!["affineTransform"]);
        Assert.NotNull(json["bands"]![0]!["dataType"]);
        Assert.Equal(uri, json["tilesets"]![0]!["sources"]![0]!["uris"]![0]!.GetValue<string>());
        Assert.Empty(await host.TileBlobsAsync(Project, asset));
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
    public async Task A_coarser_grid_reads_the_COGs_own_overview()
    {
        using var client = host.Client(host.Token(Project));
        var uri = await host.UploadAsync("cogeo.tif", "external/cogeo.tif");
        Assert.Equal(HttpStatusCode.OK, (await ImportExternalAsync(client, EeApi.Manifest(Project, "ext/overview", uri), overwrite: true)).Status);
        var (_, json) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/ext/overview");
        var t = json!["bands"]![0]!["grid"]!["affineTransform"]!;
        var grid = new JsonObject
        {
            ["dimensions"] = new JsonObject { ["width"] = 256, ["height"] = 256 },
            ["affineTransform"] = new JsonObject
            {
                ["scaleX"] = t["scaleX"]!.GetValue<double>() * 4, ["shearX"] = 0, ["translateX"] = t["translateX"]!.GetValue<double>(),
                ["shearY"] = 0, ["scaleY"] = t["scaleY"]!.GetValue<double>() * 4, ["translateY"] = t["translateY"]!.GetValue<double>(),
            },
        };

        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/ext/overview", new JsonObject { ["fileFormat"] = "GEO_TIFF", ["grid"] = grid });
        var overview = Path.Combine(Path.GetTempPath(), "eeovr-" + Guid.NewGuid().ToString("N") + ".tif");
        try
        {
            // GDAL's second overview of the COG (factor 4) is what the 4× grid must return, pixel for pixel.
            Run("gdal_translate", "-q", "-oo", "OVERVIEW_LEVEL=1", TestData.Raster("cogeo.tif"), overview);
            PixelAssert.SameValidPixels(overview, output, 3);
        }
        finally
        {
            File.Delete(output);
            File.Delete(overview);
        }
    }

    [Theory]
    [MemberData(nameof(NotCogs))]
    public async Task A_file_that_is_not_a_suitable_COG_is_refused_with_the_reason(string file, string reason)
    {
        using var client = host.Client(host.Token(Project));
        var asset = "notcog/" + Path.GetFileNameWithoutExtension(file).Replace('.', '-');
        var uri = await host.UploadAsync(file, "external/" + file);

        var (status, body) = await ImportExternalAsync(client, EeApi.Manifest(Project, asset, uri));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_ARGUMENT", body!["error"]!["status"]!.GetValue<string>());
        var message = body["error"]!["message"]!.GetValue<string>();
        Assert.Contains(uri, message, StringComparison.Ordinal);
        Assert.Contains(reason, message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/{asset}")).Status);
    }

    [Fact]
    public async Task Manifests_an_external_image_cannot_have_are_refused_and_register_nothing()
    {
        using var client = host.Client(host.Token(Project));
        var uri = await host.UploadAsync("cogeo.tif", "external/cogeo.tif");
        var twoSources = EeApi.Manifest(Project, "bad/two", uri);
        twoSources["tilesets"]![0]!["sources"]!.AsArray().Add(new JsonObject { ["uris"] = new JsonArray(uri) });
        var withCrs = EeApi.Manifest(Project, "bad/crs", uri, crs: "EPSG:4326");
        var http = EeApi.Manifest(Project, "bad/http", "https://example.com/cogeo.tif");
        var missing = EeApi.Manifest(Project, "bad/missing", uri + ".missing");
        var masks = EeApi.Manifest(Project, "bad/masks", uri);
        masks["maskBands"] = new JsonArray(new JsonObject { ["tilesetId"] = "ts" });

        foreach (var (manifest, expected) in new[] { (twoSources, "exactly one COG"), (withCrs, "own georeferencing"), (http, "not in this service's storage"), (missing, "was not found"), (masks, "maskBands") })
        {
            var (status, body) = await ImportExternalAsync(client, manifest);
            Assert.True(status == HttpStatusCode.BadRequest, $"{manifest["name"]}: {status} {body}");
            Assert.Contains(expected, body!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
            var path = manifest["name"]!.GetValue<string>()[$"projects/{Project}/assets/".Length..];
            Assert.Equal(HttpStatusCode.NotFound, (await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/{path}")).Status);
        }
    }

    [Fact]
    public async Task A_source_in_the_services_own_containers_is_refused_at_request_time()
    {
        using var client = host.Client(host.Token(Project));
        foreach (var container in new[] { host.TilesContainer, host.StagingContainer, "eefunctionshub-largemessages" })
        {
            var uri = $"gs://{container}/tiles/other-project/img/1/t0/0/0/0.tif";
            var (external, externalBody) = await ImportExternalAsync(client, EeApi.Manifest(Project, "own/external", uri));
            var (import, importBody, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:import", new JsonObject { ["imageManifest"] = EeApi.Manifest(Project, "own/import", uri) });
            response.Dispose();

            Assert.Equal(HttpStatusCode.BadRequest, external);
            Assert.Equal(HttpStatusCode.BadRequest, import);
            Assert.Contains($"service's own container '{container}'", externalBody!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains($"service's own container '{container}'", importBody!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var (_, operations) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/operations");
        Assert.Empty(operations?["operations"]?.AsArray() ?? []);
    }

    [Fact]
    public async Task An_existing_asset_is_replaced_only_with_overwrite()
    {
        using var client = host.Client(host.Token(Project));
        var uri = await host.UploadAsync("cogeo.tif", "external/cogeo.tif");
        Assert.Equal(HttpStatusCode.OK, (await ImportExternalAsync(client, EeApi.Manifest(Project, "ext/twice", uri), overwrite: true)).Status);

        var (again, body) = await ImportExternalAsync(client, EeApi.Manifest(Project, "ext/twice", uri));
        var (replaced, _) = await ImportExternalAsync(client, EeApi.Manifest(Project, "ext/twice", uri), overwrite: true);

        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal("ALREADY_EXISTS", body!["error"]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, replaced);
    }

    [Fact]
    public async Task A_COG_replaced_after_registration_fails_reads_instead_of_serving_other_pixels()
    {
        using var client = host.Client(host.Token(Project));
        var blob = "external/replaced-" + Guid.NewGuid().ToString("N") + ".tif";
        var uri = await host.UploadAsync("cogeo.tif", blob);
        Assert.Equal(HttpStatusCode.OK, (await ImportExternalAsync(client, EeApi.Manifest(Project, "ext/replaced", uri), overwrite: true)).Status);
        await using (var other = File.OpenRead(TestData.Raster("goes.tif")))
        {
            await host.Sources.GetBlobClient(blob).UploadAsync(other, overwrite: true);
        }

        var (status, body, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/assets/ext/replaced:getPixels", new JsonObject { ["fileFormat"] = "GEO_TIFF" });
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("FAILED_PRECONDITION", body!["error"]!["status"]!.GetValue<string>());
        Assert.Contains(uri, body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_an_external_image_keeps_its_COG()
    {
        using var client = host.Client(host.Token(Project));
        var blob = "external/kept-" + Guid.NewGuid().ToString("N") + ".tif";
        var uri = await host.UploadAsync("cogeo.tif", blob);
        Assert.Equal(HttpStatusCode.OK, (await ImportExternalAsync(client, EeApi.Manifest(Project, "ext/deleted", uri), overwrite: true)).Status);

        using var deleted = await client.DeleteAsync($"/v1/projects/{Project}/assets/ext/deleted");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/ext/deleted")).Status);
        Assert.True((await host.Sources.GetBlobClient(blob).ExistsAsync()).Value);
    }

    private static void Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, string.Create(CultureInfo.InvariantCulture, $"{tool} failed: {error}"));
    }
}
