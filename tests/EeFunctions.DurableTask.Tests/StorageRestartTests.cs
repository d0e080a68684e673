using EeFunctions.Testing;
using Microsoft.DurableTask.Client;

namespace EeFunctions.DurableTask.Tests;

/// <summary>Storage going away mid-run and coming back: the worker and client ride it out and every instance completes.</summary>
public sealed class StorageRestartTests
{
    [Fact]
    public async Task Orchestrations_under_way_when_Azurite_stops_for_ten_seconds_all_complete_after_it_restarts()
    {
        // A private Azurite: stopping the assembly's shared one would stop every other test's storage too.
        await using var azurite = await AzuriteInstance.StartAsync();
        // A message a worker held when storage went away (its completion or abandon failed) stays invisible for its
        // visibility timeout, 5 minutes by default: shorten it so redelivery happens within the test's wait.
        await using var host = await DurableTestHost.StartAsync(azurite.ConnectionString, ScenarioOrchestrations.Register, new Dictionary<string, string?>
        {
            [DurableTaskExtensionOptions.SectionName + ":storageProvider:controlQueueVisibilityTimeout"] = "00:00:20",
            [DurableTaskExtensionOptions.SectionName + ":storageProvider:workItemQueueVisibilityTimeout"] = "00:00:20",
        });

        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await host.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 20));
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        await azurite.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(10));
        await azurite.RestartAsync();

        foreach (var id in ids)
        {
            var done = await host.WaitAsync(id, TimeSpan.FromMinutes(3));
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            Assert.Equal(190L, done.ReadOutputAs<long>());
        }
    }
}
