using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using EeFunctions.App.BlobDrop;
using EeFunctions.Testing;

namespace EeFunctions.App.Tests;

/// <summary>
/// Blob drops on three processes of the real host on one hub, one killed while the imports run: every drop imported
/// exactly once. The kill comes once every drop has its instance: a drop the WebJobs runtime had dequeued but not
/// handed over when its process died stays invisible for the runtime's fixed 10 minutes (QueueListener) before another
/// host takes it, which no test here waits for (README: Blob drops).
/// </summary>
[Collection(AloneCollectionDefinition.Name)]
public sealed class MultiProcessDropTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int Drops = 200;
    private const string Project = "multi-drop";
    private const string Results = "ee-drop-results";

    [Fact]
    public async Task Three_hosts_import_each_of_200_drops_exactly_once_through_a_kill_and_a_reupload_fails_already_exists()
    {
        // A private Azurite, as the other kill test: Azurite slows as its data grows.
        await using var storage = await AzuriteInstance.StartAsync();
        var settings = TestSettings.For(azurite);
        settings["AzureWebJobsStorage"] = storage.ConnectionString;
        settings["EarthEngine:DropEnabled"] = "true";
        settings["EarthEngine:Auth:SigningKey"] = Convert.ToBase64String(new byte[32]);
        settings["AzureFunctionsJobHost:extensions:durableTask:storageProvider:controlQueueVisibilityTimeout"] = "00:00:10";
        settings["AzureFunctionsJobHost:extensions:durableTask:storageProvider:workItemQueueVisibilityTimeout"] = "00:00:10";
        var blobs = new BlobServiceClient(storage.ConnectionString);
        var drops = blobs.GetBlobContainerClient("ee-drop");
        var services = new List<ServiceProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                services.Add(await ServiceProcess.StartAsync(settings));
            }

            await drops.CreateIfNotExistsAsync();
            var tiny = await File.ReadAllBytesAsync(TestData.Raster("byte.tif"));
            await Parallel.ForEachAsync(Enumerable.Range(0, Drops), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
                await drops.GetBlobClient($"{Project}/d{i:D3}.tif").UploadAsync(BinaryData.FromBytes(tiny), overwrite: true, ct));

            using var http = new HttpClient { BaseAddress = services[2].BaseAddress };
            http.DefaultRequestHeaders.Add("x-functions-key", TestSettings.SystemKey);
            var accepted = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while ((await InstancesAsync(http, $"ee-{Project}-")).Count < Drops)
            {
                Assert.True(DateTime.UtcNow < accepted, "not every drop started an import within 3 min");
                await Task.Delay(250);
            }

            await services[1].CrashAsync();
            services.Add(await ServiceProcess.StartAsync(settings));
            var results = await WaitForResultsAsync(blobs, Drops, TimeSpan.FromMinutes(5));
            Assert.All(results.Values, r => Assert.Equal("SUCCEEDED", (string?)r["state"]));

            // A new version of an imported name: a second import, which fails ALREADY_EXISTS.
            var first = (string?)results[$"{Project}/d007.tif"]["operation"];
            await drops.GetBlobClient($"{Project}/d007.tif").UploadAsync(BinaryData.FromBytes(tiny), overwrite: true);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            JsonObject again;
            while ((string?)(again = await ResultAsync(blobs, $"{Project}/d007.tif"))["operation"] == first)
            {
                Assert.True(DateTime.UtcNow < deadline, "the re-upload started no second import");
                await Task.Delay(500);
            }

            Assert.Equal("FAILED", (string?)again["state"]);
            Assert.Equal("ALREADY_EXISTS", (string?)again["error"]!["status"]);

            // Exactly once: one instance per drop, plus the re-upload's.
            var instances = await InstancesAsync(http, $"ee-{Project}-");
            Assert.Equal(Drops + 1, instances.Count);
        }
        finally
        {
            foreach (var service in services)
            {
                await service.DisposeAsync();
            }
        }
    }

    private static async Task<Dictionary<string, JsonObject>> WaitForResultsAsync(BlobServiceClient blobs, int minimum, TimeSpan limit)
    {
        var container = blobs.GetBlobContainerClient(Results);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var names = new List<string>();
            if ((await container.ExistsAsync()).Value)
            {
                await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, Project + "/", CancellationToken.None))
                {
                    names.Add(item.Name[..^BlobDropHandler.ResultSuffix.Length]);
                }
            }

            if (names.Count >= minimum)
            {
                var results = new Dictionary<string, JsonObject>();
                foreach (var name in names)
                {
                    results[name] = await ResultAsync(blobs, name);
                }

                return results;
            }

            Assert.True(DateTime.UtcNow < deadline, $"only {names.Count} of {minimum} drops have a result after {limit}");
            await Task.Delay(1000);
        }
    }

    private static async Task<JsonObject> ResultAsync(BlobServiceClient blobs, string name) =>
        (JsonObject)JsonNode.Parse((await blobs.GetBlobContainerClient(Results).GetBlobClient(name + BlobDropHandler.ResultSuffix).DownloadContentAsync()).Value.Content.ToString())!;

    private static async Task<List<string>> InstancesAsync(HttpClient http, string prefix) =>
        [.. (await DurableInstanceList.AllAsync(http, $"instanceIdPrefix={prefix}&top=500")).Select(e => e.GetProperty("instanceId").GetString() ?? "?")];
}
