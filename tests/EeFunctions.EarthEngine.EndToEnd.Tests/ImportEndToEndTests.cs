using System.Net;
using System.Text.Json.Nodes;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

[Collection(EeHostGroup.Name)]
public sealed class ImportEndToEndTests(EeHostFixture host)
{
    private const string Project = "import-tests";

    [Fact]
    public async Task Import_of_byte_tif_succeeds_and_the_asset_and_its_pixels_read_back()
    {
        using var client = host.Client(host.Token(Project));
        var uri = await host.UploadAsync("byte.tif");

        var (status, started, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:import", new JsonObject { ["imageManifest"] = EeApi.Manifest(Project, "folder/byte", uri) });
        using (response)
        {
            Assert.True(status == HttpStatusCode.OK, started?.ToJsonString());
            var location = response.Headers.Location!.ToString();
            Assert.Contains("/runtime/webhooks/durabletask/instances/ee-import-tests-", location, StringComparison.Ordinal);
            Assert.DoesNotContain("code=", location, StringComparison.Ordinal);
        }

        var name = started!["name"]!.GetValue<string>();
        Assert.StartsWith($"projects/{Project}/operations/", name, StringComparison.Ordinal);
        Assert.Equal("INGEST_IMAGE", started["metadata"]!["type"]!.GetValue<string>());
        var done = await EeApi.PollAsync(client, name);
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        Assert.NotNull(done["metadata"]!["endTime"]);

        var (assetStatus, asset) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/folder/byte");
        Assert.True(assetStatus == HttpStatusCode.OK, asset?.ToJsonString());
        Assert.Equal("IMAGE", asset!["type"]!.GetValue<string>());
        var band = asset["bands"]![0]!;
        Assert.Equal("b1", band["id"]!.GetValue<string>());
        Assert.Equal("EPSG:26711", band["grid"]!["crsCode"]!.GetValue<string>());
        Assert.Equal(20, band["grid"]!["dimensions"]!["width"]!.GetValue<int>());

        var (folderStatus, folder) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/folder");
        Assert.True(folderStatus == HttpStatusCode.OK, folder?.ToJsonString());
        Assert.Equal("FOLDER", folder!["type"]!.GetValue<string>());

        var (pixelsStatus, _, pixels) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/assets/folder/byte:getPixels", new JsonObject { ["fileFormat"] = "GEO_TIFF" });
        using (pixels)
        {
            Assert.Equal(HttpStatusCode.OK, pixelsStatus);
            var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".tif");
            await File.WriteAllBytesAsync(path, await pixels.Content.ReadAsByteArrayAsync());
            try
            {
                var expected = GdalTool.Read(Testing.TestData.Raster("byte.tif"), "1");
                var actual = GdalTool.Read(path, "1");
                Assert.Equal(expected.Values, actual.Values);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
