using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace EeFunctions.EarthEngine.EndToEnd.Tests;

[Collection(EeHostGroup.Name)]
public sealed class OperationTests(EeHostFixture host)
{
    [Fact]
    public async Task The_same_requestId_twice_returns_the_original_operation_and_starts_nothing()
    {
        const string Project = "dedupe-sequential";
        using var client = host.Client(host.Token(Project));
        var uri = await host.UploadAsync("byte.tif");
        var requestId = Guid.NewGuid().ToString();
        var first = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "dedupe/a", uri), requestId);
        var second = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "dedupe/b", uri), requestId);
        Assert.Equal(first["name"]!.GetValue<string>(), second["name"]!.GetValue<string>());
        await EeApi.PollAsync(client, first["name"]!.GetValue<string>());
        var third = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "dedupe/a", uri), requestId);
        Assert.Equal(first["name"]!.GetValue<string>(), third["name"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", EeApi.State(third));

        var (_, list) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/operations");
        Assert.Single(list!["operations"]!.AsArray());
        var (missing, _) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/dedupe/b");
        Assert.Equal(HttpStatusCode.NotFound, missing);

        // Another caller with the same request id gets an operation of its own.
        using var other = host.Client(host.Token(Project, "someone-else"));
        var fourth = await EeApi.ImportAsync(other, Project, EeApi.Manifest(Project, "dedupe/c", uri), requestId);
        Assert.NotEqual(first["name"]!.GetValue<string>(), fourth["name"]!.GetValue<string>());
        await EeApi.PollAsync(other, fourth["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fifty_concurrent_identical_requests_start_exactly_one_orchestration()
    {
        const string Project = "dedupe-concurrent";
        using var client = host.Client(host.Token(Project));
        var uri = await host.UploadAsync("byte.tif");
        var requestId = Guid.NewGuid().ToString();
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "concurrent/a", uri), requestId)));
        Assert.Single(results.Select(r => r["name"]!.GetValue<string>()).Distinct());
        await EeApi.PollAsync(client, results[0]["name"]!.GetValue<string>());

        using var system = host.Client(null);
        var (status, instances) = await EeApi.GetAsync(system, $"/runtime/webhooks/durabletask/instances?instanceIdPrefix=ee-{Project}-&code={EeHostFixture.SystemKey}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(instances!.AsArray());
    }

    [Fact]
    public async Task Overwrite_false_is_ALREADY_EXISTS_and_overwrite_true_flips_to_a_new_generation()
    {
        const string Project = "overwrite-tests";
        using var client = host.Client(host.Token(Project));
        var first = await EeApi.PollAsync(client, (await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "ow/img", await host.UploadAsync("byte.tif"))))["name"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", EeApi.State(first));
        var oldTiles = await host.TileBlobsAsync(Project, "ow/img");
        Assert.NotEmpty(oldTiles);

        var (status, error, response) = await EeApi.PostAsync(client, $"/v1/projects/{Project}/image:import", new JsonObject { ["imageManifest"] = EeApi.Manifest(Project, "ow/img", await host.UploadAsync("green.tif")) });
        response.Dispose();
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("ALREADY_EXISTS", error!["error"]!["status"]!.GetValue<string>());

        var secondName = (await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "ow/img", await host.UploadAsync("green.tif")), overwrite: true))["name"]!.GetValue<string>();
        var second = await EeApi.PollAsync(client, secondName);
        Assert.True(EeApi.State(second) == "SUCCEEDED", second.ToJsonString());
        var (_, asset) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/ow/img");
        Assert.Equal(3, asset!["bands"]!.AsArray().Count);

        // The replaced generation outlives the flip by the grace period (reads under way), then goes.
        Assert.Equal(oldTiles.Count, oldTiles.Intersect(await host.TileBlobsAsync(Project, "ow/img")).Count());
        await EeApi.WaitForDurableCompletionAsync(host, $"retire-{Project}-ow:img-{oldTiles[0].Split('/')[3]}");
        var newTiles = await host.TileBlobsAsync(Project, "ow/img");
        Assert.NotEmpty(newTiles);
        Assert.Empty(newTiles.Intersect(oldTiles));
        Assert.Single(newTiles.Select(n => n.Split('/')[3]).Distinct());
        var output = await PixelAssert.GetPixelsAsync(client, $"projects/{Project}/assets/ow/img");
        try
        {
            PixelAssert.SameValidPixels(Testing.TestData.Raster("green.tif"), output, 3);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task Two_racing_imports_without_overwrite_register_one_asset_and_the_other_fails_ALREADY_EXISTS()
    {
        const string Project = "overwrite-race";
        using var client = host.Client(host.Token(Project));
        var uri = await host.UploadAsync("byte.tif");
        var a = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "race/img", uri));
        var b = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "race/img", uri));
        var states = new[]
        {
            await EeApi.PollAsync(client, a["name"]!.GetValue<string>()),
            await EeApi.PollAsync(client, b["name"]!.GetValue<string>()),
        };
        Assert.Single(states, s => EeApi.State(s) == "SUCCEEDED");
        var failed = Assert.Single(states, s => EeApi.State(s) == "FAILED");
        Assert.Equal(6, failed["error"]!["code"]!.GetValue<int>());
        Assert.Single((await host.TileBlobsAsync(Project, "race/img")).Select(n => n.Split('/')[3]).Distinct());
    }

    [Fact]
    public async Task Cancel_ends_CANCELLED_with_code_1_and_leaves_no_tile_staging_blob_or_asset()
    {
        const string Project = "cancel-tests";
        using var client = host.Client(host.Token(Project));
        var uri = await host.UploadAsync("world.byte.tif");
        var started = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "cancel/img", uri));
        var name = started["name"]!.GetValue<string>();
        var (status, body, response) = await EeApi.PostAsync(client, $"/v1/{name}:cancel", new JsonObject());
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());

        var done = await EeApi.PollAsync(client, name);
        Assert.True(EeApi.State(done) == "CANCELLED", done.ToJsonString());
        Assert.Equal(1, done["error"]!["code"]!.GetValue<int>());
        Assert.Empty(await host.TileBlobsAsync(Project, "cancel/img"));
        Assert.Empty(await host.StagingBlobsAsync(name.Split('/')[^1]));
        var (missing, _) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/cancel/img");
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }

    [Fact]
    public async Task Cancel_while_tiles_are_being_written_drains_and_removes_the_partial_tiles()
    {
        const string Project = "cancel-midway";
        var uri = await host.UploadLargeAsync();
        using var client = host.Client(host.Token(Project));
        var name = (await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "cancel/large", uri)))["name"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var (_, operation) = await EeApi.GetAsync(client, $"/v1/{name}");
            var stages = operation!["metadata"]!["stages"]?.AsArray().Select(s => s!["displayName"]!.GetValue<string>()).ToList() ?? [];
            if (stages.Contains("Tile") || operation["done"]!.GetValue<bool>())
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, operation.ToJsonString());
            await Task.Delay(20);
        }

        var (status, body, response) = await EeApi.PostAsync(client, $"/v1/{name}:cancel", new JsonObject());
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        var (_, right) = await EeApi.GetAsync(client, $"/v1/{name}");
        Assert.True(EeApi.State(right!) is "CANCELLING" or "CANCELLED", right!.ToJsonString());
        var done = await EeApi.PollAsync(client, name);
        Assert.True(EeApi.State(done) == "CANCELLED", done.ToJsonString());
        Assert.Equal(1, done["error"]!["code"]!.GetValue<int>());
        Assert.Empty(await host.TileBlobsAsync(Project, "cancel/large"));
        Assert.Equal(HttpStatusCode.NotFound, (await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/cancel/large")).Status);
    }

    [Fact]
    public async Task Terminate_through_the_Durable_API_mid_import_is_followed_by_a_cleanup_that_leaves_no_tile_or_staging_blob()
    {
        const string Project = "terminate-midway";
        var uri = await host.UploadLargeAsync();
        using var client = host.Client(host.Token(Project));
        var name = (await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "terminated/large", uri)))["name"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await host.TileBlobsAsync(Project, "terminated/large")).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "No tile was written within 2 minutes.");
            await Task.Delay(20);
        }

        var instanceId = EeFunctions.EarthEngine.Names.EeNames.InstanceId(Project, name.Split('/')[^1]);
        using var system = host.Client(null);
        using (var terminated = await system.PostAsync($"/runtime/webhooks/durabletask/instances/{instanceId}/terminate?reason=test&code={EeHostFixture.SystemKey}", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        }

        await EeApi.WaitForDurableCompletionAsync(host, $"cleanup-{instanceId}");

        Assert.Empty(await host.TileBlobsAsync(Project, "terminated/large"));
        Assert.Empty(await host.StagingBlobsAsync(name.Split('/')[^1]));
        Assert.Equal(HttpStatusCode.NotFound, (await EeApi.GetAsync(client, $"/v1/projects/{Project}/assets/terminated/large")).Status);
        var (_, operations) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/operations");
        Assert.Single(operations!["operations"]!.AsArray());
    }

    [Fact]
    public async Task Operations_list_pages_and_filters_wait_returns_the_done_operation_and_delete_forgets_it()
    {
        const string Project = "operations-api";
        using var client = host.Client(host.Token(Project));
        var uri = await host.UploadAsync("byte.tif");
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            names.Add((await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, $"ops/img{i}", uri)))["name"]!.GetValue<string>());
        }

        foreach (var name in names)
        {
            var (status, waited, response) = await EeApi.PostAsync(client, $"/v1beta/{name}:wait", new JsonObject { ["timeout"] = "30s" });
            response.Dispose();
            Assert.True(status == HttpStatusCode.OK && waited!["done"]!.GetValue<bool>(), waited?.ToJsonString());
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var (_, page) = await EeApi.GetAsync(client, $"/v1alpha/projects/{Project}/operations?pageSize=2" + (token is null ? string.Empty : "&pageToken=" + Uri.EscapeDataString(token)));
            seen.AddRange(page!["operations"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
            token = page["nextPageToken"]?.GetValue<string>();
        }
        while (token is not null);
        Assert.Equal(names.Order(), seen.Order());

        var (_, succeeded) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/operations?filter=" + Uri.EscapeDataString("metadata.state = \"SUCCEEDED\""));
        Assert.Equal(3, succeeded!["operations"]!.AsArray().Count);
        var (_, running) = await EeApi.GetAsync(client, $"/v1/projects/{Project}/operations?filter=" + Uri.EscapeDataString("metadata.state = \"RUNNING\""));
        Assert.Empty(running!["operations"]?.AsArray() ?? []);

        using var delete = await client.DeleteAsync($"/v1/{names[0]}");
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        var (gone, _) = await EeApi.GetAsync(client, $"/v1/{names[0]}");
        Assert.Equal(HttpStatusCode.NotFound, gone);
    }

    [Fact]
    public async Task The_Durable_API_accepts_a_token_for_the_projects_own_instances_only()
    {
        const string Project = "durable-reader";
        using var client = host.Client(host.Token(Project));
        var started = await EeApi.ImportAsync(client, Project, EeApi.Manifest(Project, "dur/img", await host.UploadAsync("byte.tif")));
        var id = started["name"]!.GetValue<string>().Split('/')[^1];
        var instance = $"/runtime/webhooks/durabletask/instances/ee-{Project}-{id}";
        await EeApi.PollAsync(client, started["name"]!.GetValue<string>());

        var (own, payload) = await EeApi.GetAsync(client, instance);
        Assert.True(own == HttpStatusCode.OK, payload?.ToJsonString());
        Assert.Equal("Completed", payload!["runtimeStatus"]!.GetValue<string>());

        using var otherProject = host.Client(host.Token("another-project"));
        Assert.Equal(HttpStatusCode.Forbidden, (await EeApi.GetAsync(otherProject, instance)).Status);
        using var noGet = host.Client(host.Token(Project, "tester", Auth.EePermissions.ImportsCreate));
        Assert.Equal(HttpStatusCode.Forbidden, (await EeApi.GetAsync(noGet, instance)).Status);
        using var anonymous = host.Client(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await EeApi.GetAsync(anonymous, instance)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await EeApi.GetAsync(client, "/runtime/webhooks/durabletask/instances")).Status);
        using var terminate = new HttpRequestMessage(HttpMethod.Post, $"{instance}/terminate?reason=x");
        Assert.Equal(HttpStatusCode.Gone, (await client.SendAsync(terminate)).StatusCode);
        using var raise = new HttpRequestMessage(HttpMethod.Post, $"{instance}/raiseEvent/cancel") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(raise)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await EeApi.GetAsync(anonymous, $"{instance}?code={EeHostFixture.SystemKey}")).Status);
    }

    /// <summary>Waits (up to 2 minutes) until a Durable instance has completed.</summary>
}
