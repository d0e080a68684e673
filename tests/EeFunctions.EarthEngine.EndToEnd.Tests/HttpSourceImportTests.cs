using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
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
        var baseUri = Serve("RGB.byte.tif");
        await using var permissive = host.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("EarthEngine:AllowPrivateNetworkSources", "true");
            b.UseSetting("AzureFunctionsJobHost:extensions:durableTask:hubName", "EeHttp" + Guid.NewGuid().ToString("N")[..12]);
        });
        using var client = permissive.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(5);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.Token(Project));

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

    private string Serve(string raster)
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
            var bytes = await File.ReadAllBytesAsync(TestData.Raster(raster));
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
                context.Response.ContentType = "image/tiff";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
        return prefix;
    }
}
