using System.Net;
using EeFunctions.App.ImportApi;
using EeFunctions.Testing;

namespace EeFunctions.ImportApi.Tests;

/// <summary>Hostile files: each ends as a failed import with its reason, nothing stored, and the host still serving.</summary>
[Collection(ImportApiHostGroup.Name)]
public sealed class HostilePhotoTests(ImportApiHost host)
{
    public static TheoryData<string, string> Cases => new()
    {
        { "bomb", "limit is 100000000 pixels" },
        { "truncated-png", "cannot be decoded" },
        { "truncated-jpeg", "truncated" },
        { "random", "not a JPEG, PNG, WebP, GIF or TIFF" },
        { "empty", "not a JPEG, PNG, WebP, GIF or TIFF" },
        { "frames", "more than 100 frames" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_file_fails_its_import_cleanly_with_the_reason(string kind, string reason)
    {
        var bytes = kind switch
        {
            "bomb" => SamplePhotos.PngBomb(100_000, 100_000),
            "truncated-png" => SamplePhotos.Truncated(SamplePhotos.Png(400, 300)),
            "truncated-jpeg" => SamplePhotos.Truncated(await File.ReadAllBytesAsync(TestData.Raster("389225main_sw_1965_1024.jpg"))),
            "random" => SamplePhotos.RandomBytes(50_000),
            "empty" => [],
            _ => SamplePhotos.AnimatedGif(16, 16, 3000),
        };
        var url = host.Photos.Serve($"hostile/{kind}", bytes);
        var (_, token) = await host.TokenAsync("hostile");
        using var http = host.CreateClient();

        using var response = await ImportApiHost.PostImportAsync(http, token, ImportEndToEndTests.Form("hostile", url));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = (string)(await ImportApiHost.JsonAsync(response))["id"]!;
        var done = await ImportApiHost.WaitAsync(http, token, id);

        Assert.True((string?)done["status"] == ImportStatus.Failed, done.ToJsonString());
        Assert.Contains(reason, (string?)done["error"], StringComparison.Ordinal);
        Assert.Null(done["image_id"]);
        Assert.Empty(await host.ImageBlobsAsync(ImportKeys.ImageIdFor(id)));
        using var health = await http.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
