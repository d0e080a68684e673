using System.Net;
using EeFunctions.App.ImportApi;

namespace EeFunctions.ImportApi.Tests;

/// <summary>
/// The SSRF guard on the Import API's downloads: the host allows only 127.0.0.1 (the test photo server), so every
/// other loopback, private, link-local and metadata address is refused, and so is a redirect to one; nothing is stored.
/// </summary>
[Collection(ImportApiHostGroup.Name)]
public sealed class SourceGuardTests(ImportApiHost host)
{
    [Theory]
    [InlineData("http://127.0.0.2:{port}/a.jpg")]
    [InlineData("http://10.0.0.1/a.jpg")]
    [InlineData("http://172.16.0.1/a.jpg")]
    [InlineData("http://172.31.255.254/a.jpg")]
    [InlineData("http://192.168.1.1/a.jpg")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:{port}/a.jpg")]
    public async Task A_private_address_is_refused_before_anything_is_stored(string template)
    {
        var url = template.Replace("{port}", new Uri(host.Photos.BaseUri).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var (_, token) = await host.TokenAsync("guarded");
        using var http = host.CreateClient();
        var before = (await host.TableTextAsync(host.ImportsTable)).Count;

        using var response = await ImportApiHost.PostImportAsync(http, token, ImportEndToEndTests.Form("guarded", url));

        var error = await AuthAndValidationTests.AssertErrorAsync(response, HttpStatusCode.UnprocessableEntity, "invalid_parameter");
        Assert.Contains("loopback, private or link-local", error, StringComparison.Ordinal);
        Assert.Equal(before, (await host.TableTextAsync(host.ImportsTable)).Count);
    }

    [Fact]
    public async Task A_redirect_to_loopback_fails_the_import_and_leaves_nothing_stored()
    {
        var port = new Uri(host.Photos.BaseUri).Port;
        host.Photos.Serve("guard/photo.jpg", SamplePhotos.Jpeg(40, 30));
        var url = host.Photos.Redirect("guard/redirect", $"http://127.0.0.3:{port}/guard/photo.jpg");
        var (_, token) = await host.TokenAsync("guarded");
        using var http = host.CreateClient();

        using var response = await ImportApiHost.PostImportAsync(http, token, ImportEndToEndTests.Form("guarded", url));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = (string)(await ImportApiHost.JsonAsync(response))["id"]!;
        var done = await ImportApiHost.WaitAsync(http, token, id);

        Assert.Equal(ImportStatus.Failed, (string?)done["status"]);
        Assert.Contains("127.0.0.3", (string?)done["error"], StringComparison.Ordinal);
        Assert.Null(done["image_id"]);
        Assert.Empty(await host.ImageBlobsAsync(ImportKeys.ImageIdFor(id)));
        using var image = await ImportApiHost.GetAsync(http, token, "/api/v1/images/" + ImportKeys.ImageIdFor(id));
        Assert.Equal(HttpStatusCode.NotFound, image.StatusCode);
    }
}
