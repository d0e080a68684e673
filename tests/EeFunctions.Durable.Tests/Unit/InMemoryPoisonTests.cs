using EeFunctions.Durable.Client;
using EeFunctions.Durable.History;
using EeFunctions.Durable.InMemory;
using EeFunctions.Durable.Tests.Support;

namespace EeFunctions.Durable.Tests.Unit;

/// <summary>
/// The in-memory backend's poison limit, as the Azure backend's: a message delivered more than
/// <see cref="InMemoryOrchestrationBackendOptions.MaxDeliveryCount"/> times without being processed fails its instance or
/// its activity instead of coming back forever.
/// </summary>
public sealed class InMemoryPoisonTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task An_orchestration_message_abandoned_past_the_limit_fails_the_instance_as_PoisonMessage()
    {
        using var backend = new InMemoryOrchestrationBackend(options: new InMemoryOrchestrationBackendOptions { MaxDeliveryCount = 3 });
        var client = new BackendDurableTaskClient(backend);
        var id = await client.ScheduleNewOrchestrationInstanceAsync("CrashesTheWorker", cancellation: _timeout.Token);

        // Three deliveries a worker never completes (it crashes on them, or its episode throws).
        for (var i = 0; i < 3; i++)
        {
            var item = await backend.LockNextOrchestrationWorkItemAsync(_timeout.Token);
            await backend.AbandonOrchestrationWorkItemAsync(item!, _timeout.Token);
        }

        // The fourth is not handed out: the instance fails and nothing is left to process.
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => backend.LockNextOrchestrationWorkItemAsync(quiet.Token));
        var state = await backend.GetStateAsync(id, _timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, state!.RuntimeStatus);
        Assert.Equal("PoisonMessage", state.FailureDetails!.ErrorType);
        Assert.Contains("delivered 4 times", state.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        var history = await backend.GetHistoryAsync(id, _timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, history.OfType<ExecutionCompletedEvent>().Single().OrchestrationStatus);
    }

    [Fact]
    public async Task Abandons_below_the_limit_are_delivered_again_and_complete_normally()
    {
        using var backend = new InMemoryOrchestrationBackend(options: new InMemoryOrchestrationBackendOptions { MaxDeliveryCount = 3 });
        await using var host = new TestHost(backend, TimeProvider.System);
        var client = host.Client;
        var id = await client.ScheduleNewOrchestrationInstanceAsync("Hello", cancellation: _timeout.Token);

        // Two abandoned deliveries; the worker's is the third, the last one allowed.
        for (var i = 0; i < 2; i++)
        {
            var item = await backend.LockNextOrchestrationWorkItemAsync(_timeout.Token);
            await backend.AbandonOrchestrationWorkItemAsync(item!, _timeout.Token);
        }

        await host.StartWorkerAsync(r => r.AddOrchestratorFunc<string>("Hello", _ => Task.FromResult("hi")));
        var result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, _timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
    }

    [Fact]
    public async Task An_activity_whose_lock_keeps_expiring_fails_at_its_await_as_PoisonMessage()
    {
        var backend = new InMemoryOrchestrationBackend(options: new InMemoryOrchestrationBackendOptions
        {
            MaxDeliveryCount = 2,
            ActivityLockTimeout = TimeSpan.FromMilliseconds(100),
        });
        await using var host = new TestHost(backend, TimeProvider.System);
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("CallsStuck", async context =>
            {
                try
                {
                    await context.CallActivityAsync<int>("Stuck", 0);
                    return "completed";
                }
                catch (TaskFailedException e)
                {
                    return $"{e.FailureDetails.ErrorType}: {e.FailureDetails.ErrorMessage}";
                }
            })
            .AddActivityFunc<int, int>("Stuck", async (_, _) =>
            {
                // Never finishes within its lock, as when the worker running it hangs or dies.
                Interlocked.Increment(ref runs);
                return await release.Task;
            }));

        try
        {
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("CallsStuck", cancellation: _timeout.Token);
            var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, _timeout.Token);

            var output = result.ReadOutputAs<string>()!;
            Assert.StartsWith("PoisonMessage: The activity 'Stuck'", output, StringComparison.Ordinal);
            Assert.Contains("delivered 3 times", output, StringComparison.Ordinal);
            Assert.Equal(2, Volatile.Read(ref runs));
        }
        finally
        {
            release.SetResult(1);
        }
    }
}
