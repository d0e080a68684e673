using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

/// <summary>The Tile and Pyramid fan-outs follow the configured batch sizes (read into the import's input when it is accepted).</summary>
[Collection(EeHostGroup.Name)]
public sealed class ImportBatchingTests(EeHostFixture host)
{
    private const string Project = "import-batching";

    [Fact]
    public async Task One_tile_row_per_activity_makes_one_Tile_activity_per_tile_row()
    {
        await using var configured = host.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("EarthEngine:TileRowsPerActivity", "1");
            b.UseSetting("EarthEngine:ParentsPerActivity", "1");
            b.UseSetting("AzureFunctionsJobHost:extensions:durableTask:hubName", "EeBatch" + Guid.NewGuid().ToString("N")[..12]);
        });
        using var client = configured.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(5);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.Token(Project));

        // world.byte.tif is 2880 × 1200: 5 rows of 256-pixel tiles at level 0; levels 1..4 have 6·3, 3·2, 2·1 and 1 tiles.
        var name = (await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "batching/world", await host.UploadAsync("world.byte.tif"))))["name"]!.GetValue<string>();
        var done = await EeApi.PollAsync(client, name);
        Assert.True(EeApi.State(done) == "SUCCEEDED", done.ToJsonString());

        var instanceId = EeFunctions.EarthEngine.Names.EeNames.InstanceId(Project, name.Split('/')[^1]);
        var (_, status) = await EeApi.GetAsync(client, $"/runtime/webhooks/durabletask/instances/{instanceId}?showHistory=true&code={EeHostFixture.SystemKey}");
        var completed = status!["historyEvents"]!.AsArray()
            .Where(e => e!["EventType"]!.GetValue<string>() == "TaskCompleted")
            .GroupBy(e => e!["FunctionName"]!.GetValue<string>())
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(5, completed["EeImport_TileRows"]);
        Assert.Equal(18 + 6 + 2 + 1, completed["EeImport_Pyramid"]);
    }
}
