using EeFunctions.Testing;
using Microsoft.DurableTask.Client;

namespace EeFunctions.DurableTask.Tests;

/// <summary>
/// A message whose processing kills its worker comes back after its visibility timeout; DTFx alone would redeliver it
/// forever. Real worker processes crash on every delivery here, and the guard ends the work as Failed instead.
/// </summary>
public sealed class PoisonMessageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task An_activity_that_kills_its_worker_on_every_delivery_fails_as_a_poison_message_after_a_bounded_number_of_deliveries()
    {
        var (crashes, done) = await RunUntilDoneAsync("CallsCrash", maxDeliveries: 2);

        // Deliveries are counted once a message is older than its visibility timeout (a redelivery cannot be younger), so
        // the first may go uncounted: MaxDeliveryCount or one more crash, and the next delivery is failed unrun.
        Assert.InRange(crashes, 2, 3);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var output = done.ReadOutputAs<string>()!;
        Assert.StartsWith(DeliveryGuard.PoisonErrorType + ": Activity 'Crash'", output, StringComparison.Ordinal);
        Assert.Contains("delivered 3 times", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_orchestration_episode_that_kills_its_worker_on_every_delivery_fails_the_instance_as_a_poison_message()
    {
        var (crashes, done) = await RunUntilDoneAsync("CrashingOrchestrator", maxDeliveries: 1);

        Assert.InRange(crashes, 1, 2);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.True(DeliveryGuard.PoisonErrorType == done.FailureDetails?.ErrorType, $"{done.FailureDetails?.ErrorType}: {done.FailureDetails?.ErrorMessage}");
        Assert.Contains("delivered 2 times", done.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    /// <summary>Starts worker processes one after another, each crashing on the poison, until the instance ends.</summary>
    private async Task<(int Crashes, OrchestrationMetadata Done)> RunUntilDoneAsync(string orchestrator, int maxDeliveries)
    {
        var hub = "Poison" + Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            [DurableTaskExtensionOptions.SectionName + ":hubName"] = hub,
            [DurableTaskExtensionOptions.SectionName + ":storageProvider:partitionCount"] = "1",
            [DurableTaskExtensionOptions.SectionName + ":storageProvider:maxQueuePollingInterval"] = "00:00:01",
            [DurableTaskExtensionOptions.SectionName + ":storageProvider:workItemQueueVisibilityTimeout"] = "00:00:03",
            [DurableTaskExtensionOptions.SectionName + ":storageProvider:controlQueueVisibilityTimeout"] = "00:00:03",
            [DeliveryGuardOptions.SectionName + ":MaxDeliveryCount"] = maxDeliveries.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await using var client = await DurableTestHost.StartAsync(azurite.ConnectionString, _ => { }, settings.ToDictionary(p => p.Key, p => (string?)p.Value), hubName: hub, worker: false);
        var id = await client.Client.ScheduleNewOrchestrationInstanceAsync(orchestrator, "boom");

        var crashes = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        while (true)
        {
            await using var worker = WorkerProcess.Start(settings);
            using var cycle = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            var exited = worker.WaitForExitAsync(cycle.Token);
            var completed = client.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cycle.Token);
            await Task.WhenAny(exited, completed);
            if (completed.IsCompletedSuccessfully)
            {
                await cycle.CancelAsync();
                return (crashes, await completed);
            }

            Assert.True(exited.IsCompletedSuccessfully, $"the run ran out of time after {crashes} crashes; the last worker printed:\n{worker.Output[Math.Max(0, worker.Output.Length - 6000)..]}");
            crashes++;
            Assert.True(crashes <= 6, $"redelivered {crashes} times without the guard stopping it:\n{worker.Output}");
            await cycle.CancelAsync();
        }
    }
}
