using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EeFunctions.App.Durable;
using EeFunctions.Testing;

namespace EeFunctions.App.Tests;

/// <summary>Several processes of the real host on one task hub, one of them killed mid-run.</summary>
[Collection(AloneCollectionDefinition.Name)]
public sealed class MultiProcessTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int Orchestrations = 200;
    private const int ActivitiesEach = 10;
    private const long ExpectedOutput = ActivitiesEach * (ActivitiesEach - 1) / 2;
    private const string Base = "/runtime/webhooks/durabletask";

    [Fact]
    public async Task Three_hosts_on_one_hub_finish_every_orchestration_exactly_once_when_one_is_killed_and_another_started()
    {
        // A private Azurite: the assembly's has served every other test by the time this one runs alone, and Azurite
        // slows as its data grows (ARCHITECTURE's reference on DTFx over Azurite).
        await using var storage = await AzuriteInstance.StartAsync();
        var settings = TestSettings.For(azurite);
        settings["AzureWebJobsStorage"] = storage.ConnectionString;
        settings[SelfTestOrchestrations.SettingName] = "true";

        // Messages a killed worker had received come back when their visibility runs out (renewed while held): keep it short.
        settings["AzureFunctionsJobHost:extensions:durableTask:storageProvider:controlQueueVisibilityTimeout"] = "00:00:10";
        settings["AzureFunctionsJobHost:extensions:durableTask:storageProvider:workItemQueueVisibilityTimeout"] = "00:00:10";
        var services = new List<ServiceProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                services.Add(await ServiceProcess.StartAsync(settings));
            }

            using var http = Client(services[0]);
            var ids = Enumerable.Range(0, Orchestrations).Select(i => $"mp-{i:D3}").ToList();
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
            {
                using var start = await http.PostAsync($"{Base}/orchestrators/{SelfTestOrchestrations.FanOut}/{id}", new StringContent(ActivitiesEach.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8, "application/json"), ct);
                Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            });

            // Mid-run: kill one worker outright, and bring up a replacement.
            await WaitForCompletedAsync(http, minimum: Orchestrations / 5, TimeSpan.FromMinutes(2));
            await services[1].CrashAsync();
            services.Add(await ServiceProcess.StartAsync(settings));

            using var survivor = Client(services[2]);
            await WaitForCompletedAsync(survivor, minimum: Orchestrations, TimeSpan.FromMinutes(3));

            foreach (var id in ids)
            {
                using var response = await survivor.GetAsync($"{Base}/instances/{id}?showHistory=true&showHistoryOutput=true");
                var status = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
                Assert.Equal(ExpectedOutput, status.GetProperty("output").GetInt64());
                var results = status.GetProperty("historyEvents").EnumerateArray()
                    .Where(e => e.GetProperty("EventType").GetString() == "TaskCompleted")
                    .Select(e => e.GetProperty("Result").GetInt32())
                    .Order()
                    .ToList();
                Assert.Equal(Enumerable.Range(0, ActivitiesEach), results);
            }
        }
        finally
        {
            foreach (var service in services)
            {
                await service.DisposeAsync();
            }
        }
    }

    private static HttpClient Client(ServiceProcess service)
    {
        var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("x-functions-key", TestSettings.SystemKey);
        return http;
    }

    private static async Task WaitForCompletedAsync(HttpClient http, int minimum, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        var completed = 0;
        while (DateTime.UtcNow < deadline)
        {
            completed = (await StatusesAsync(http, "&runtimeStatus=Completed")).Count;
            if (completed >= minimum)
            {
                return;
            }

            await Task.Delay(500);
        }

        var counts = (await StatusesAsync(http, string.Empty)).GroupBy(s => s).Select(g => $"{g.Key} {g.Count()}");
        Assert.Fail($"only {completed} of {minimum} orchestrations completed within {limit}; by status: {string.Join(", ", counts)}");
    }

    /// <summary>The runtime status of each of the test's instances the Durable API lists.</summary>
    private static async Task<List<string>> StatusesAsync(HttpClient http, string filter) =>
        [.. (await DurableInstanceList.AllAsync(http, $"instanceIdPrefix=mp-&top=500{filter}")).Select(e => e.GetProperty("runtimeStatus").GetString() ?? "?")];
}
