using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;
using EeFunctions.Durable.InMemory;
using EeFunctions.Durable.Worker;
using Microsoft.Extensions.Logging.Abstractions;

namespace EeFunctions.Durable.Tests.Unit;

/// <summary>The episode processor driven by hand against the in-memory backend, to pin down cache and message rules.</summary>
public sealed class OrchestrationProcessorTests : IDisposable
{
    private readonly InMemoryOrchestrationBackend _backend = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        _backend.Dispose();
        _timeout.Dispose();
    }

    private static OrchestrationProcessor NewProcessor()
    {
        var registry = new DurableTaskRegistry().AddOrchestratorFunc<string>("Two", async context =>
            await context.CallActivityAsync<string>("A") + await context.CallActivityAsync<string>("B"));
        return new OrchestrationProcessor(registry, JsonDataConverter.Default, TimeProvider.System, new DurableTaskWorkerOptions(), NullLoggerFactory.Instance, null);
    }

    private async Task<string> StartAsync()
    {
        var start = new ExecutionStartedEvent(DateTime.UtcNow, "Two", "x", "exec-1", null);
        await _backend.CreateInstanceAsync(TaskMessage.Create("x", "exec-1", start), [], _timeout.Token);
        return "exec-1";
    }

    private async Task<OrchestrationCheckpoint> RunEpisodeAsync(OrchestrationProcessor processor)
    {
        var workItem = await _backend.LockNextOrchestrationWorkItemAsync(_timeout.Token);
        var checkpoint = processor.Process(workItem!);
        Assert.True(await _backend.CompleteOrchestrationWorkItemAsync(workItem!, checkpoint, _timeout.Token));
        return checkpoint;
    }

    private Task<bool> CompleteTaskAsync(string executionId, int taskId, string result) =>
        _backend.SendMessageAsync(TaskMessage.Create("x", executionId, new TaskCompletedEvent(DateTime.UtcNow, taskId, result)), _timeout.Token);

    [Fact]
    public async Task A_cached_session_is_not_reused_after_another_worker_advanced_the_history()
    {
        var workerA = NewProcessor();
        var workerB = NewProcessor();
        var executionId = await StartAsync();

        await RunEpisodeAsync(workerA);
        await CompleteTaskAsync(executionId, 0, "\"a\"");
        await RunEpisodeAsync(workerB);
        await CompleteTaskAsync(executionId, 1, "\"b\"");
        var last = await RunEpisodeAsync(workerA);

        // Worker A's cached session stopped at task #0; it must rebuild from history to recognise task #1.
        Assert.Equal(OrchestrationRuntimeStatus.Completed, last.NewState?.RuntimeStatus);
        Assert.Equal("\"ab\"", last.NewState?.Output);
        Assert.Empty(last.DeferredMessages);
    }

    [Fact]
    public async Task Duplicate_completion_is_dropped_and_early_completion_is_deferred()
    {
        var worker = NewProcessor();
        var executionId = await StartAsync();
        await RunEpisodeAsync(worker);
        await CompleteTaskAsync(executionId, 0, "\"a\"");
        await CompleteTaskAsync(executionId, 0, "\"a again\"");
        await CompleteTaskAsync(executionId, 5, "\"from the future\"");

        var checkpoint = await RunEpisodeAsync(worker);

        Assert.Single(checkpoint.NewHistory.OfType<TaskCompletedEvent>());
        var deferred = Assert.Single(checkpoint.DeferredMessages);
        Assert.Equal(5, ((TaskCompletedEvent)deferred.Event).TaskScheduledId);
        Assert.Equal("B", Assert.Single(checkpoint.ActivityMessages).Event is TaskScheduledEvent s ? s.Name : null);
    }

    [Fact]
    public async Task Message_for_an_older_execution_is_dropped()
    {
        var worker = NewProcessor();
        await StartAsync();
        await RunEpisodeAsync(worker);
        await CompleteTaskAsync("exec-0", 0, "\"stale\"");

        var checkpoint = await RunEpisodeAsync(worker);

        Assert.Empty(checkpoint.NewHistory);
        Assert.Empty(checkpoint.DeferredMessages);
        Assert.Null(checkpoint.NewState);
    }
}
