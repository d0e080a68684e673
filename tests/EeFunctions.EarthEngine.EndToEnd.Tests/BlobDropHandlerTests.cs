using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using EeFunctions.App.BlobDrop;
using EeFunctions.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>
/// What a dropped blob starts, through the handler both hosts' blob triggers call (README: Blob drops): the real
/// service in process, real Azurite and GDAL; only the trigger itself is left out.
/// </summary>
[Collection(EeHostGroup.Name)]
public sealed class BlobDropHandlerTests(EeHostFixture host)
{
    private const string Project = "drop-tests";
    private readonly string _container = AzuriteFixture.UniqueName("drop");

    [Fact]
    public async Task A_dropped_geotiff_imports_to_its_path_with_the_sources_pixels_and_writes_its_result()
    {
        var (drop, operation) = await DropFileAsync("drop-tests/folder/byte.TIF", TestData.Raster("byte.tif"));
        using var client = host.Client(host.Token(Project));

        var done = await EeApi.PollAsync(client, operation!);

        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        Assert.Equal(drop.Uri.AbsoluteUri, done["metadata"]!["description"]!.GetValue<string>());
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/folder/byte");
        try
        {
            PixelAssert.SameValidPixels(TestData.Raster("byte.tif"), output, 1);
        }
        finally
        {
            File.Delete(output);
        }

        var result = await ResultAsync(drop.Name);
        Assert.Equal(operation, (string?)result["operation"]);
        Assert.Equal("SUCCEEDED", (string?)result["state"]);
        Assert.Null(result["error"]);
    }

    [Fact]
    public async Task One_blob_version_starts_one_import_however_often_it_fires_and_a_new_upload_fails_already_exists()
    {
        var (drop, first) = await DropFileAsync("drop-tests/twice.tif", TestData.Raster("byte.tif"));
        var again = await Handler.HandleAsync(drop, Durable, CancellationToken.None);
        Assert.Equal(first, again);
        using var client = host.Client(host.Token(Project));
        Assert.Equal("SUCCEEDED", EeApi.State(await EeApi.PollAsync(client, first!)));

        var (reupload, second) = await DropFileAsync("drop-tests/twice.tif", TestData.Raster("byte.tif"));
        Assert.NotEqual(drop.ETag, reupload.ETag);
        Assert.NotEqual(first, second);
        var failed = await EeApi.PollAsync(client, second!);
        Assert.Equal("FAILED", EeApi.State(failed));
        Assert.Contains("already exists", failed["error"]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("FAILED", (string?)(await ResultAsync("drop-tests/twice.tif"))["state"]);
    }

    [Fact]
    public async Task A_manifest_with_relative_uris_imports_its_files_beside_it_and_the_files_start_nothing()
    {
        var container = await ContainerAsync();
        Assert.Null(await DropFileAsync("drop-tests/_files/red.tif", TestData.Raster("red.tif"), expectOperation: false));
        Assert.Null(await DropFileAsync("drop-tests/_files/green.tif", TestData.Raster("green.tif"), expectOperation: false));
        var manifest = new JsonObject
        {
            ["name"] = $"projects/{Project}/assets/mosaic",
            ["tilesets"] = new JsonArray(new JsonObject
            {
                ["sources"] = new JsonArray(new JsonObject { ["uris"] = new JsonArray("_files/red.tif") }, new JsonObject { ["uris"] = new JsonArray("_files/green.tif") }),
            }),
        };
        var (drop, operation) = await DropAsync("drop-tests/mosaic.manifest.json", BinaryData.FromString(manifest.ToJsonString()));
        using var client = host.Client(host.Token(Project));

        var done = await EeApi.PollAsync(client, operation!);

        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());
        var (status, asset) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/mosaic");
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        Assert.Equal(3, asset!["bands"]!.AsArray().Count);
        Assert.Equal("SUCCEEDED", (string?)(await ResultAsync(drop.Name))["state"]);
        var results = new BlobServiceClient(host.ConnectionString).GetBlobContainerClient("ee-drop-results");
        Assert.False((await results.GetBlobClient("drop-tests/_files/red.tif" + BlobDropHandler.ResultSuffix).ExistsAsync()).Value);
        Assert.NotNull(container);
    }

    public static TheoryData<string, string, string> BadDrops => new()
    {
        { "drop-tests/notes.txt", "hello", "extension" },
        { "drop-tests/broken.manifest.json", "{ not json", "not valid JSON" },
        { "drop-tests/array.manifest.json", "[1, 2]", "not a JSON object" },
        { "drop-tests/empty.manifest.json", $$"""{"name": "projects/{{Project}}/assets/empty"}""", "tileset" },
        { "drop-tests/other.manifest.json", """{"name": "projects/another-project/assets/x", "tilesets": [{"sources": [{"uris": ["a.tif"]}]}]}""", "another-project" },
        { "Not_A_Project!/x.tif", "II*\0", "project id" },
    };

    [Theory]
    [MemberData(nameof(BadDrops))]
    public async Task A_bad_drop_starts_nothing_and_its_result_file_says_why(string name, string content, string reason)
    {
        var (drop, operation) = await DropAsync(name, BinaryData.FromString(content));

        Assert.Null(operation);
        var result = await ResultAsync(drop.Name);
        Assert.Equal("REJECTED", (string?)result["state"]);
        Assert.Null(result["operation"]);
        Assert.Contains(reason, (string?)result["error"]!["message"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unreadable_tiff_starts_an_import_that_fails_with_the_reason_in_its_result()
    {
        var (drop, operation) = await DropAsync("drop-tests/garbage.tif", BinaryData.FromBytes(new byte[4096]));
        using var client = host.Client(host.Token(Project));

        var done = await EeApi.PollAsync(client, operation!);

        Assert.Equal("FAILED", EeApi.State(done));
        var result = await ResultAsync(drop.Name);
        Assert.Equal("FAILED", (string?)result["state"]);
        Assert.False(string.IsNullOrEmpty((string?)result["error"]!["message"]));
    }

    [Fact]
    public async Task A_poison_message_of_the_blob_trigger_becomes_the_drops_result_file()
    {
        var message = new JsonObject { ["Type"] = "BlobTrigger", ["FunctionId"] = "Host.Functions.EarthEngine_BlobDrop", ["BlobType"] = "BlockBlob", ["ContainerName"] = _container, ["BlobName"] = "drop-tests/poisoned.tif", ["ETag"] = "\"0x1\"" };

        await Handler.HandlePoisonAsync(message.ToJsonString(), CancellationToken.None);
        await Handler.HandlePoisonAsync("not json", CancellationToken.None);

        var result = await ResultAsync("drop-tests/poisoned.tif");
        Assert.Equal("REJECTED", (string?)result["state"]);
        Assert.Contains("gave up", (string?)result["error"]!["message"], StringComparison.Ordinal);
    }

    private BlobDropHandler Handler => host.Factory.Services.GetRequiredService<BlobDropHandler>();

    private DurableTaskClient Durable => host.Factory.Services.GetRequiredService<DurableTaskClient>();

    private async Task<BlobContainerClient> ContainerAsync()
    {
        var container = new BlobServiceClient(host.ConnectionString).GetBlobContainerClient(_container);
        await container.CreateIfNotExistsAsync();
        return container;
    }

    private async Task<(DroppedBlob Drop, string? Operation)> DropFileAsync(string name, string path)
    {
        var (drop, operation) = await DropAsync(name, BinaryData.FromBytes(await File.ReadAllBytesAsync(path)));
        return (drop, operation);
    }

    private async Task<string?> DropFileAsync(string name, string path, bool expectOperation)
    {
        var (_, operation) = await DropFileAsync(name, path);
        Assert.Equal(expectOperation, operation is not null);
        return operation;
    }

    private async Task<(DroppedBlob Drop, string? Operation)> DropAsync(string name, BinaryData content)
    {
        var blob = (await ContainerAsync()).GetBlobClient(name);
        var uploaded = await blob.UploadAsync(content, overwrite: true);
        var drop = new DroppedBlob(_container, name, uploaded.Value.ETag.ToString(), blob.Uri);
        return (drop, await Handler.HandleAsync(drop, Durable, CancellationToken.None));
    }

    private async Task<JsonObject> ResultAsync(string name)
    {
        var blob = new BlobServiceClient(host.ConnectionString).GetBlobContainerClient("ee-drop-results").GetBlobClient(name + BlobDropHandler.ResultSuffix);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!(await blob.ExistsAsync()).Value)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no result file for {name}");
            await Task.Delay(200);
        }

        return (JsonObject)JsonNode.Parse((await blob.DownloadContentAsync()).Value.Content.ToString())!;
    }
}
