using System.Net;
using EeFunctions.App.ImportApi;

namespace EeFunctions.ImportApi.Tests;

/// <summary>Who may do what, and bad requests: each refused in the API's error shape, with nothing stored.</summary>
[Collection(ImportApiHostGroup.Name)]
public sealed class AuthAndValidationTests(ImportApiHost host)
{
    [Fact]
    public async Task No_token_is_401_in_the_error_shape_with_the_seeds_headers()
    {
        using var http = host.CreateClient();
        using var response = await http.PostAsync("/api/v1/imports", new FormUrlEncodedContent(ImportEndToEndTests.Form("a", "http://example.com/a.jpg")));

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-cache, no-store", string.Join(", ", response.Headers.NonValidated["Cache-Control"]));
    }

    [Fact]
    public async Task Expired_badly_signed_unknown_issuer_and_malformed_tokens_are_401()
    {
        var (client, _) = await host.TokenAsync("album");
        var expired = host.Mint(client, "album", TimeSpan.FromMinutes(-10), ImportCaller.ImageUpload);
        var forged = host.Mint(client with { Secret = client.Secret + "x" }, "album", TimeSpan.FromHours(1), ImportCaller.ImageUpload);
        var stranger = host.Mint(client with { Id = "nobody-" + Guid.NewGuid().ToString("N")[..8] }, "album", TimeSpan.FromHours(1), ImportCaller.ImageUpload);
        using var http = host.CreateClient();

        foreach (var (token, why) in new[] { (expired, "expired"), (forged, "signature"), (stranger, "issuer"), ("not-a-jwt", "not a JWT") })
        {
            using var response = await ImportApiHost.PostImportAsync(http, token, ImportEndToEndTests.Form("album", "http://example.com/a.jpg"));
            var error = await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Contains(why, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_token_for_another_album_or_without_image_upload_is_403_and_stores_nothing()
    {
        var (_, otherAlbum) = await host.TokenAsync("album-b");
        var (_, listOnly) = await host.TokenAsync("album-a", ImportCaller.ImageList);
        using var http = host.CreateClient();
        var before = (await host.TableTextAsync(host.ImportsTable)).Count;

        foreach (var token in new[] { otherAlbum, listOnly })
        {
            using var response = await ImportApiHost.PostImportAsync(http, token, ImportEndToEndTests.Form("album-a", "http://example.com/a.jpg"));
            var error = await AssertErrorAsync(response, HttpStatusCode.Forbidden, "forbidden");
            Assert.Contains("image_upload", error, StringComparison.Ordinal);
        }

        Assert.Equal(before, (await host.TableTextAsync(host.ImportsTable)).Count);
    }

    [Fact]
    public async Task Reading_an_import_needs_upload_or_list_and_reading_its_image_needs_list()
    {
        var url = host.Photos.Serve("read/photo.jpg", SamplePhotos.Jpeg(40, 30));
        var (client, both) = await host.TokenAsync("read-album");
        var uploadOnly = host.Mint(client, "read-album", TimeSpan.FromHours(1), ImportCaller.ImageUpload);
        var listOnly = host.Mint(client, "read-album", TimeSpan.FromHours(1), ImportCaller.ImageList);
        var elsewhere = host.Mint(client, "another-album", TimeSpan.FromHours(1), ImportCaller.ImageUpload, ImportCaller.ImageList);
        using var http = host.CreateClient();
        using var posted = await ImportApiHost.PostImportAsync(http, uploadOnly, ImportEndToEndTests.Form("read-album", url));
        var id = (string)(await ImportApiHost.JsonAsync(posted))["id"]!;
        var imageId = (string)(await ImportApiHost.WaitAsync(http, both, id))["image_id"]!;

        foreach (var token in new[] { uploadOnly, listOnly })
        {
            using var ok = await ImportApiHost.GetAsync(http, token, "/api/v1/imports/" + id);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var noList = await ImportApiHost.GetAsync(http, uploadOnly, "/api/v1/images/" + imageId);
        await AssertErrorAsync(noList, HttpStatusCode.Forbidden, "forbidden");
        using var wrongAlbum = await ImportApiHost.GetAsync(http, elsewhere, "/api/v1/imports/" + id);
        await AssertErrorAsync(wrongAlbum, HttpStatusCode.Forbidden, "forbidden");
        using var albumList = await ImportApiHost.GetAsync(http, uploadOnly, "/api/v1/albums/read-album/images");
        await AssertErrorAsync(albumList, HttpStatusCode.Forbidden, "forbidden");

        var (_, otherOrganization) = await host.TokenAsync("read-album");
        using var hidden = await ImportApiHost.GetAsync(http, otherOrganization, "/api/v1/images/" + imageId);
        await AssertErrorAsync(hidden, HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("album_id=&url=http%3A%2F%2Fexample.com%2Fa.jpg", "missing_parameter", "album_id")]
    [InlineData("url=http%3A%2F%2Fexample.com%2Fa.jpg", "missing_parameter", "album_id")]
    [InlineData("album_id=v-album", "missing_parameter", "url")]
    [InlineData("album_id=v-album&url=not%20a%20url", "invalid_parameter", "url")]
    [InlineData("album_id=v-album&url=ftp%3A%2F%2Fexample.com%2Fa.jpg", "invalid_parameter", "url")]
    [InlineData("album_id=v-album&url=file%3A%2F%2F%2Fetc%2Fpasswd", "invalid_parameter", "url")]
    [InlineData("album_id=v-album&import_type=salesforce&attachment_id=00P24000003vSXsEAM", "unsupported_import_type", "not supported")]
    [InlineData("album_id=v-album&attachment_id=00P24000003vSXsEAM&url=http%3A%2F%2Fexample.com%2Fa.jpg", "unsupported_import_type", "not supported")]
    [InlineData("album_id=v-album&url=http%3A%2F%2Fexample.com%2Fa.jpg&headers[Host]=evil", "invalid_parameter", "headers[Host]")]
    [InlineData("album_id=bad%2Falbum&url=http%3A%2F%2Fexample.com%2Fa.jpg", "invalid_parameter", "album_id")]
    public async Task A_missing_or_invalid_field_is_422_naming_it_and_stores_nothing(string body, string code, string named)
    {
        var album = body.Contains("bad%2Falbum", StringComparison.Ordinal) ? "bad/album" : "v-album";
        var (_, token) = await host.TokenAsync(album);
        using var http = host.CreateClient();
        var before = (await host.TableTextAsync(host.ImportsTable)).Count;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };
        ImportApiHost.Authorize(request, token);

        using var response = await http.SendAsync(request);

        var error = await AssertErrorAsync(response, HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Equal(before, (await host.TableTextAsync(host.ImportsTable)).Count);
    }

    [Fact]
    public async Task A_json_body_imports_like_the_form_and_reads_metadatas_as_metadata()
    {
        var url = host.Photos.Serve("json/photo.jpg", SamplePhotos.Jpeg(40, 30));
        var (_, token) = await host.TokenAsync("json-album");
        using var http = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports")
        {
            Content = new StringContent(new System.Text.Json.Nodes.JsonObject { ["album_id"] = "json-album", ["url"] = url, ["metadatas"] = new System.Text.Json.Nodes.JsonObject { ["a"] = new System.Text.Json.Nodes.JsonObject { ["b"] = "c" } } }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        ImportApiHost.Authorize(request, token);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var import = await ImportApiHost.JsonAsync(response);
        Assert.Equal("c", (string?)import["params"]!["metadata"]!["a"]!["b"]);
        var done = await ImportApiHost.WaitAsync(http, token, (string)import["id"]!);
        using var image = await ImportApiHost.GetAsync(http, token, "/api/v1/images/" + (string)done["image_id"]!);
        Assert.Equal("c", (string?)(await ImportApiHost.JsonAsync(image))["metadata"]!["a"]!["b"]);
    }

    internal static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await ImportApiHost.JsonAsync(response);
        Assert.Equal(["error"], body.Select(p => p.Key));
        Assert.Equal(code, (string?)body["error"]!["code"]);
        var message = (string?)body["error"]!["message"];
        Assert.False(string.IsNullOrEmpty(message));
        return message!;
    }
}
