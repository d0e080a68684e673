using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EeFunctions.App.ImportApi;
using EeFunctions.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace EeFunctions.ImportApi.Tests;

/// <summary>Photos imported end to end through HTTP: the seed's request, JPEG and PNG, EXIF rotation and GPS, idempotency, download headers.</summary>
[Collection(ImportApiHostGroup.Name)]
public sealed partial class ImportEndToEndTests(ImportApiHost host)
{
    [Fact]
    public async Task The_seeds_request_gets_the_seeds_response_shape_and_headers()
    {
        var url = host.Photos.Serve("seed/image123.jpg", await File.ReadAllBytesAsync(TestData.Raster("389225main_sw_1965_1024.jpg")));
        var (client, token) = await host.TokenAsync("imported_album");
        using var http = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports")
        {
            Content = new StringContent(
                "album_id=imported_album&filename=image123_asdasd.JpG&metadata[attachmentId]=00P24000003vSXsEAM&url=" + Uri.EscapeDataString(url),
                Encoding.UTF8,
                "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", $"Token token=\"{token}\"");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(token, Header(response, "X-token"));
        Assert.True(Guid.TryParse(Header(response, "X-Request-Id"), out _));
        Assert.True(double.TryParse(Header(response, "X-Runtime"), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Equal("no-cache, no-store", Header(response, "Cache-Control"));
        Assert.Equal("no-cache", Header(response, "Pragma"));
        Assert.Equal("Fri, 01 Jan 1990 00:00:00 GMT", Header(response, "Expires"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("1; mode=block", Header(response, "X-XSS-Protection"));
        Assert.Equal("noopen", Header(response, "X-Download-Options"));
        Assert.Equal("none", Header(response, "X-Permitted-Cross-Domain-Policies"));
        Assert.Equal("origin-when-cross-origin, strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));

        var body = await ImportApiHost.JsonAsync(response);
        Assert.Equal(["id", "organization_id", "image_id", "import_type", "album_id", "params", "created_at", "updated_at"], body.Select(p => p.Key));
        Assert.True(Guid.TryParse((string?)body["id"], out _));
        Assert.Equal(client.OrganizationId, (string?)body["organization_id"]);
        Assert.Null(body["image_id"]);
        Assert.Null(body["import_type"]);
        Assert.Equal("imported_album", (string?)body["album_id"]);
        Assert.Matches(SeedTimestamp(), (string?)body["created_at"]);
        Assert.Matches(SeedTimestamp(), (string?)body["updated_at"]);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$"""
                {"album_id": "imported_album", "filename": "image123_asdasd.JpG", "metadata": {"attachmentId": "00P24000003vSXsEAM"},
                 "url": "{{url}}", "controller": "api/v1/imports", "action": "create"}
                """),
            body["params"]), body["params"]!.ToJsonString());

        var done = await ImportApiHost.WaitAsync(http, token, (string)body["id"]!);
        Assert.Equal(ImportStatus.Completed, (string?)done["status"]);
        Assert.Equal("url", (string?)done["import_type"]);
        Assert.NotNull((string?)done["image_id"]);
    }

    [Fact]
    public async Task A_jpeg_is_imported_with_its_original_byte_exact_and_both_thumbnails_decoded_at_their_size()
    {
        var photo = await File.ReadAllBytesAsync(TestData.Raster("389225main_sw_1965_1024.jpg"));
        var (image, token, http) = await ImportAsync("jpeg-album", host.Photos.Serve("jpeg/photo.jpg", photo));
        using var _ = http;

        Assert.Equal(1024, (int)image["width"]!);
        Assert.Equal(768, (int)image["height"]!);
        Assert.Equal(photo.Length, (long)image["infos"]!["bytes"]!);
        Assert.Equal("jpeg", (string?)image["infos"]!["format"]);
        Assert.Equal("jpeg-album", (string?)image["album_id"]);
        var id = (string)image["id"]!;

        Assert.Equal(photo, await BytesAsync(http, token, $"/api/v1/images/{id}/original"));
        await AssertThumbnailAsync(http, token, id, 256, 256, 192);
        await AssertThumbnailAsync(http, token, id, 1024, 1024, 768);
        using var other = await ImportApiHost.GetAsync(http, token, $"/api/v1/images/{id}/thumbnails/512");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task Each_thumbnail_size_is_written_by_its_own_activity_side_by_side_and_no_working_copy_is_left()
    {
        var photo = await File.ReadAllBytesAsync(TestData.Raster("389225main_sw_1965_1024.jpg"));
        var (image, _, http) = await ImportAsync("fanout-album", host.Photos.Serve("fanout/photo.jpg", photo));
        using var _ = http;
        var id = (string)image["id"]!;

        Assert.Equal([$"{id}/original", $"{id}/thumbnails/1024", $"{id}/thumbnails/256"], (await host.ImageBlobsAsync(id)).Order(StringComparer.Ordinal));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/runtime/webhooks/durabletask/instances/{ImportKeys.InstanceId((string)image["import_id"]!)}?showHistory=true&showHistoryOutput=true");
        request.Headers.Add("x-functions-key", ImportApiHost.SystemKey);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var history = (await ImportApiHost.JsonAsync(response))["historyEvents"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var activities = history.Where(e => (string?)e["EventType"] == "TaskCompleted").Select(e => (string?)e["FunctionName"]).ToList();
        Assert.Equal([FetchPhotoActivity.Name, PhotoThumbnailActivity.Name, PhotoThumbnailActivity.Name, RegisterPhotoActivity.Name], activities);

        // A fan-out: both sizes were scheduled before either finished, and each returned its own size.
        var thumbnails = history.Where(e => (string?)e["FunctionName"] == PhotoThumbnailActivity.Name).ToList();
        Assert.True(thumbnails.Max(e => DateTime.Parse((string)e["ScheduledTime"]!, System.Globalization.CultureInfo.InvariantCulture)) <= thumbnails.Min(e => DateTime.Parse((string)e["Timestamp"]!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([256, 1024], thumbnails.Select(e => ResultSize(e["Result"])).Order());
    }

    [Fact]
    public async Task A_transparent_png_keeps_its_bytes_and_gets_webp_thumbnails_never_enlarged()
    {
        var photo = SamplePhotos.Png(600, 400, transparent: true);
        var (image, token, http) = await ImportAsync("png-album", host.Photos.Serve("png/photo.png", photo));
        using var _ = http;

        Assert.Equal("png", (string?)image["infos"]!["format"]);
        var id = (string)image["id"]!;
        Assert.Equal(photo, await BytesAsync(http, token, $"/api/v1/images/{id}/original"));
        Assert.Equal("image/webp", await AssertThumbnailAsync(http, token, id, 256, 256, 171));
        Assert.Equal("image/webp", await AssertThumbnailAsync(http, token, id, 1024, 600, 400));
    }

    [Fact]
    public async Task A_photo_rotated_by_its_exif_tag_comes_out_upright()
    {
        // Stored 600×300, left half red; orientation 6 turns it a quarter clockwise, so upright it is 300×600, red on top.
        var (image, token, http) = await ImportAsync("rotated", host.Photos.Serve("rotated/photo.jpg", SamplePhotos.Jpeg(600, 300, orientation: 6)));
        using var _ = http;

        Assert.Equal(300, (int)image["width"]!);
        Assert.Equal(600, (int)image["height"]!);
        Assert.Equal(300, (int)image["infos"]!["width"]!);
        Assert.Equal(90, (int)image["rotation"]!);
        Assert.Equal(6, (int)image["exifs"]!["Orientation"]!);

        // Both sizes: the 1024 (the photo's own size) is turned upright, and the 256 is scaled from it.
        foreach (var (size, width, height) in new[] { (256, 128, 256), (1024, 300, 600) })
        {
            var thumbnail = await BytesAsync(http, token, $"/api/v1/images/{image["id"]}/thumbnails/{size}");
            using var decoded = Image.Load<Rgb24>(thumbnail);
            Assert.Equal((width, height), (decoded.Width, decoded.Height));
            var (top, bottom) = (decoded[width / 2, height * 3 / 16], decoded[width / 2, height * 13 / 16]);
            Assert.True(top.R > 200 && top.B < 60, $"{size}: top is {top}");
            Assert.True(bottom.B > 200 && bottom.R < 60, $"{size}: bottom is {bottom}");
        }
    }

    [Fact]
    public async Task A_gps_tagged_photo_has_its_position_in_signed_degrees()
    {
        var (image, _, http) = await ImportAsync("gps", host.Photos.Serve("gps/photo.jpg", SamplePhotos.Jpeg(64, 48, gps: (-33.8568, 151.2153))));
        using var _ = http;

        var gps = image["gps"]!;
        Assert.InRange((double)gps["latitude"]!, -33.8569, -33.8567);
        Assert.InRange((double)gps["longitude"]!, 151.2152, 151.2154);
    }

    [Fact]
    public async Task A_photo_without_gps_has_no_gps()
    {
        var (image, _, http) = await ImportAsync("no-gps", host.Photos.Serve("no-gps/photo.jpg", SamplePhotos.Jpeg(64, 48)));
        using var _ = http;

        Assert.False(image.ContainsKey("gps"));
    }

    [Fact]
    public async Task A_repeated_post_with_one_idempotency_key_returns_the_first_import_and_imports_once()
    {
        var url = host.Photos.Serve("idem/photo.jpg", SamplePhotos.Jpeg(80, 60));
        var (_, token) = await host.TokenAsync("idem-album");
        using var http = host.CreateClient();
        var form = Form("idem-album", url);

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            using var response = await ImportApiHost.PostImportAsync(http, token, form, idempotencyKey: "key-1");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await ImportApiHost.JsonAsync(response);
        }));
        Assert.Single(answers.Select(a => (string?)a["id"]).Distinct());
        await ImportApiHost.WaitAsync(http, token, (string)answers[0]["id"]!);

        using var again = await ImportApiHost.PostImportAsync(http, token, form, idempotencyKey: "key-1");
        Assert.Equal((string?)answers[0]["id"], (string?)(await ImportApiHost.JsonAsync(again))["id"]);
        using var list = await ImportApiHost.GetAsync(http, token, "/api/v1/albums/idem-album/images");
        Assert.Single((await ImportApiHost.JsonAsync(list))["images"]!.AsArray());

        using var fresh = await ImportApiHost.PostImportAsync(http, token, form, idempotencyKey: "key-2");
        Assert.NotEqual((string?)answers[0]["id"], (string?)(await ImportApiHost.JsonAsync(fresh))["id"]);
    }

    [Fact]
    public async Task Download_headers_reach_the_source_are_echoed_redacted_and_are_stored_nowhere_in_the_clear()
    {
        const string Secret = "Bearer very-secret-credential-8c1f";
        var url = host.Photos.Serve("headers/photo.jpg", SamplePhotos.Jpeg(80, 60));
        var (_, token) = await host.TokenAsync("headers-album");
        using var http = host.CreateClient();

        using var response = await ImportApiHost.PostImportAsync(http, token, [.. Form("headers-album", url), new("headers[Authorization]", Secret), new("headers[X-Custom]", "v")]);
        var import = await ImportApiHost.JsonAsync(response);
        Assert.Equal("[FILTERED]", (string?)import["params"]!["headers"]!["Authorization"]);
        Assert.Equal("[FILTERED]", (string?)import["params"]!["headers"]!["X-Custom"]);
        var done = await ImportApiHost.WaitAsync(http, token, (string)import["id"]!);

        Assert.Equal(ImportStatus.Completed, (string?)done["status"]);
        Assert.Equal(Secret, host.Photos.Requests["headers/photo.jpg"]["Authorization"]);
        foreach (var table in new[] { host.ImportsTable, host.ImagesTable, host.HubName + "History", host.HubName + "Instances" })
        {
            Assert.DoesNotContain(await host.TableTextAsync(table), text => text.Contains("very-secret-credential", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_albums_images_are_listed_newest_first_a_page_at_a_time()
    {
        var (_, token) = await host.TokenAsync("paged");
        using var http = host.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var response = await ImportApiHost.PostImportAsync(http, token, Form("paged", host.Photos.Serve($"paged/{i}.jpg", SamplePhotos.Jpeg(40 + i, 30))));
            await ImportApiHost.WaitAsync(http, token, (string)(await ImportApiHost.JsonAsync(response))["id"]!);
        }

        using var first = await ImportApiHost.GetAsync(http, token, "/api/v1/albums/paged/images?per_page=2");
        var page1 = await ImportApiHost.JsonAsync(first);
        Assert.Equal([42, 41], page1["images"]!.AsArray().Select(i => (int)i!["width"]!));
        var next = (string?)page1["next_page_token"];
        Assert.NotNull(next);

        using var second = await ImportApiHost.GetAsync(http, token, "/api/v1/albums/paged/images?per_page=2&page_token=" + Uri.EscapeDataString(next));
        var page2 = await ImportApiHost.JsonAsync(second);
        Assert.Equal([40], page2["images"]!.AsArray().Select(i => (int)i!["width"]!));
        Assert.Null(page2["next_page_token"]);
    }

    internal static List<KeyValuePair<string, string>> Form(string album, string url) => [new("album_id", album), new("url", url)];

    private async Task<(JsonObject Image, string Token, HttpClient Http)> ImportAsync(string album, string url)
    {
        var (_, token) = await host.TokenAsync(album);
        var http = host.CreateClient();
        using var response = await ImportApiHost.PostImportAsync(http, token, Form(album, url));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var done = await ImportApiHost.WaitAsync(http, token, (string)(await ImportApiHost.JsonAsync(response))["id"]!);
        Assert.True((string?)done["status"] == ImportStatus.Completed, done.ToJsonString());
        using var image = await ImportApiHost.GetAsync(http, token, "/api/v1/images/" + (string)done["image_id"]!);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        return (await ImportApiHost.JsonAsync(image), token, http);
    }

    /// <summary>The <c>Size</c> of a thumbnail activity's result, as the history shows it (a JSON object, or its text).</summary>
    private static int ResultSize(JsonNode? result)
    {
        var facts = (result is JsonValue text ? JsonNode.Parse((string)text!) : result)!.AsObject();
        return (int)facts.Single(p => string.Equals(p.Key, "size", StringComparison.OrdinalIgnoreCase)).Value!;
    }

    private static async Task<byte[]> BytesAsync(HttpClient http, string token, string path)
    {
        using var response = await ImportApiHost.GetAsync(http, token, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<string?> AssertThumbnailAsync(HttpClient http, string token, string id, int size, int width, int height)
    {
        using var response = await ImportApiHost.GetAsync(http, token, $"/api/v1/images/{id}/thumbnails/{size}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var decoded = Image.Load(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        return response.Content.Headers.ContentType?.MediaType;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values) ? string.Join(", ", values) : null;

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")]
    private static partial Regex SeedTimestamp();
}
