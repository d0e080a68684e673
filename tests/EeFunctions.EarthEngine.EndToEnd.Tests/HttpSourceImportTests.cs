using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EeFunctions.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>
/// An http(s) source imported end to end: downloaded through the SSRF guard into staging, ingested, staging removed.
/// The source is served from loopback, so this host (its own task hub) allows private-network sources.
/// </summary>
[Collection(EeHostGroup.Name)]
public sealed class HttpSourceImportTests(EeHostFixture host) : IDisposable
{
    private const string Project = "http-sources";
    private readonly HttpListener _listener = new();
    private int _requests;

    public void Dispose() => _listener.Close();

    [Fact]
    public async Task An_http_source_is_downloaded_to_staging_ingested_equal_and_its_staging_removed()
    {
        var baseUri = Serve();
        await using var permissive = PermissiveHost();
        using var client = Client(permissive);

        var operation = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "http/rgb", baseUri + "RGB.byte.tif"));
        var done = await EeApi.PollAsync(client, operation["name"]!.GetValue<string>());

        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        Assert.True(_requests >= 1);
        Assert.Empty(await host.StagingBlobsAsync(operation["name"]!.GetValue<string>().Split('/')[^1]));
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/http/rgb");
        try
        {
            PixelAssert.SameValidPixels(TestData.Raster("RGB.byte.tif"), output, 3);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task An_http_mask_tileset_is_staged_and_its_last_band_masks_the_image()
    {
        var baseUri = Serve();
        await using var permissive = PermissiveHost();
        using var client = Client(permissive);
        var manifest = new JsonObject
        {
            ["name"] = $"projects/{Project}/assets/http/masked",
            ["tilesets"] = new JsonArray(
                new JsonObject { ["id"] = "img", ["sources"] = new JsonArray(new JsonObject { ["uris"] = new JsonArray(baseUri + "RGB.byte.tif") }) },
                new JsonObject { ["id"] = "mask", ["sources"] = new JsonArray(new JsonObject { ["uris"] = new JsonArray(baseUri + "RGBA.byte.tif") }) }),
            ["bands"] = new JsonArray(
                new JsonObject { ["id"] = "r", ["tilesetId"] = "img", ["tilesetBandIndex"] = 0 },
                new JsonObject { ["id"] = "g", ["tilesetId"] = "img", ["tilesetBandIndex"] = 1 },
                new JsonObject { ["id"] = "b", ["tilesetId"] = "img", ["tilesetBandIndex"] = 2 }),
            ["maskBands"] = new JsonArray(new JsonObject { ["tilesetId"] = "mask" }),
        };

        var done = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, manifest))["name"]!.GetValue<string>());

        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        Assert.InRange(_requests, 2, 3); // the mask file is fetched by its own inspection and by the image's, at most once each
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/http/masked");
        try
        {
            var alpha = GdalTool.Read(TestData.Raster("RGBA.byte.tif"), "4");
            Assert.Contains(alpha.Values, v => v == 0);
            for (var band = 1; band <= 3; band++)
            {
                var source = GdalTool.Read(TestData.Raster("RGB.byte.tif"), $"{band}");
                var actual = GdalTool.Read(output, $"{band}");
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

    private WebApplicationFactory<Program> PermissiveHost() => host.Factory.WithWebHostBuilder(b =>
    {
        b.UseSetting("EarthEngine:AllowPrivateNetworkSources", "true");
        b.UseSetting("AzureFunctionsJobHost:extensions:durableTask:hubName", "EeHttp" + Guid.NewGuid().ToString("N")[..12]);
    });

    private HttpClient Client(WebApplicationFactory<Program> factory)
    {
        var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(5);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.Token(Project));
        return client;
    }

    /// <summary>Serves the sample rasters by name from loopback; returns the base URL.</summary>
    private string Serve()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var prefix = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(prefix);
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref _requests);
                var bytes = await File.ReadAllBytesAsync(TestData.Raster(Path.GetFileName(context.Request.Url!.AbsolutePath)));
                context.Response.ContentType = "image/tiff";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
        return prefix;
    }
}
