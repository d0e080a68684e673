using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using EeFunctions.App.BlobDrop;
using EeFunctions.Testing;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>The self-host's WebJobs blob trigger on the host's drop container: an upload is all a user does.</summary>
[Collection(EeHostGroup.Name)]
public sealed class BlobDropTriggerTests(EeHostFixture host)
{
    private const string Project = "drop-trigger";

    [Fact]
    public async Task A_geotiff_uploaded_to_the_watched_container_is_imported_and_listed_with_the_blob_as_its_description()
    {
        var drops = new BlobServiceClient(host.ConnectionString).GetBlobContainerClient(host.DropContainer);
        Assert.True((await drops.ExistsAsync()).Value, "the service creates its drop container at start");
        var blob = drops.GetBlobClient($"{Project}/uploaded/byte.tif");
        await blob.UploadAsync(TestData.Raster("byte.tif"), overwrite: true);

        var result = await ResultAsync($"{Project}/uploaded/byte.tif", TimeSpan.FromSeconds(90));

        Assert.True((string?)result["state"] == "SUCCEEDED", result.ToJsonString());
        using var client = host.Client(host.Token(Project));
        var (_, list) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/operations");
        var operation = list!["operations"]!.AsArray().Single(o => (string?)o!["name"] == (string?)result["operation"]);
        Assert.Equal(blob.Uri.AbsoluteUri, (string?)operation!["metadata"]!["description"]);
        var (status, _) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/uploaded/byte");
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task The_watched_container_deleted_and_made_again_is_still_watched()
    {
        var drops = new BlobServiceClient(host.ConnectionString).GetBlobContainerClient(host.DropContainer);
        await drops.DeleteIfExistsAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await drops.CreateIfNotExistsAsync();
        await drops.GetBlobClient($"{Project}/again/byte.tif").UploadAsync(TestData.Raster("byte.tif"), overwrite: true);

        var result = await ResultAsync($"{Project}/again/byte.tif", TimeSpan.FromSeconds(90));

        Assert.True((string?)result["state"] == "SUCCEEDED", result.ToJsonString());
    }

    private async Task<JsonObject> ResultAsync(string name, TimeSpan limit)
    {
        var blob = new BlobServiceClient(host.ConnectionString).GetBlobContainerClient("ee-drop-results").GetBlobClient(name + BlobDropHandler.ResultSuffix);
        var deadline = DateTime.UtcNow + limit;
        while (!(await blob.ExistsAsync()).Value)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no result file for {name} within {limit}");
            await Task.Delay(250);
        }

        return (JsonObject)JsonNode.Parse((await blob.DownloadContentAsync()).Value.Content.ToString())!;
    }
}
