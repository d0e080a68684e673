using Azure;
using EeFunctions.Durable.Backend;
using EeFunctions.Durable.Client;
using EeFunctions.Durable.History;
using EeFunctions.Durable.Tests.Support;
using EeFunctions.Durable.Worker;
using EeFunctions.Storage.Blobs;
using EeFunctions.Storage.Blobs.Specialized;
using EeFunctions.Storage.Tables;
using EeFunctions.Testing;
using Microsoft.Extensions.Configuration;

namespace EeFunctions.Durable.AzureStorage.Tests;

/// <summary>Crash, lease, visibility, poison, timer, sweeper and index behaviour of the backend on Azurite.</summary>
public sealed class ReliabilityTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(90));

    private CancellationToken Timeout => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    private static void Hello(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<string, string>("Hello", async (context, name) => await context.CallActivityAsync<string>("SayHello", name))
        .AddActivityFunc<string, string>("SayHello", (_, name) => $"Hello {name}!");

    private static DurableTaskWorkerOptions Slots(int activities = 4, int orchestrations = 2) =>
        new() { MaxConcurrentActivityFunctions = activities, MaxConcurrentOrchestratorFunctions = orchestrations };

    [Fact]
    public async Task Activity_running_longer_than_the_visibility_timeout_runs_once()
    {
        var options = TestBackends.FastOptions(azurite.ConnectionString);
        options.WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(2);
        await using var host = new TestHost(new AzureStorageOrchestrationBackend(options), TimeProvider.System);
        var runs = 0;
        await host.StartWorkerAsync(
            r => r
                .AddOrchestratorFunc<string>("Long", context => context.CallActivityAsync<string>("Slow"))
                .AddActivityFunc<object?, string>("Slow", async (_, _) =>
                {
                    Interlocked.Increment(ref runs);
                    await Task.Delay(TimeSpan.FromSeconds(7));
                    return "done";
                }),
            Slots());

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Long", cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal("done", result.ReadOutputAs<string>());
        Assert.Equal(1, runs);
        Assert.Single((await host.Client.GetOrchestrationHistoryAsync(id, Timeout)).OfType<TaskCompletedEvent>());
    }

    [Fact]
    public async Task Activity_message_dequeued_more_than_the_limit_fails_the_instance_with_a_poison_error()
    {
        var options = TestBackends.FastOptions(azurite.ConnectionString);
        options.WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(2);
        options.MaxActivityLockRenewal = TimeSpan.FromMilliseconds(500);
        options.MaxDequeueCount = 3;
        await using var host = new TestHost(new AzureStorageOrchestrationBackend(options), TimeProvider.System);
        var attempts = 0;

        // The activity hangs every time (as a worker that dies on it would): its lock lapses and it is delivered again.
        await host.StartWorkerAsync(
            r => r
                .AddOrchestratorFunc<string>("Doomed", context => context.CallActivityAsync<string>("Hangs"))
                .AddActivityFunc<object?, string>("Hangs", async (context, _) =>
                {
                    Interlocked.Increment(ref attempts);
                    await Task.Delay(System.Threading.Timeout.Infinite, context.CancellationToken);
                    return "unreachable";
                }),
            Slots(activities: 5));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Doomed", cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal("PoisonMessage", result.FailureDetails?.InnerFailure?.ErrorType);
        Assert.Contains("dequeued 4 times", result.FailureDetails?.InnerFailure?.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Orchestration_message_abandoned_past_the_limit_fails_the_instance()
    {
        var options = TestBackends.FastOptions(azurite.ConnectionString);
        options.MaxDequeueCount = 2;
        await using var backend = new AzureStorageOrchestrationBackend(options);
        var client = new BackendDurableTaskClient(backend);
        var id = await client.ScheduleNewOrchestrationInstanceAsync("Anything", cancellation: Timeout);

        // A worker that crashes in every episode: it takes the work item and gives it back.
        var abandons = 0;
        OrchestrationState? state;
        while ((state = await backend.GetStateAsync(id, Timeout))!.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
        {
            if (await backend.LockNextOrchestrationWorkItemAsync(Timeout) is { } workItem)
            {
                await backend.AbandonOrchestrationWorkItemAsync(workItem, Timeout);
                abandons++;
            }
        }

        Assert.Equal(2, abandons);
        Assert.Equal("PoisonMessage", state.FailureDetails?.ErrorType);
        Assert.Contains("ExecutionStarted", state.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        var history = await backend.GetHistoryAsync(id, Timeout);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, history.OfType<ExecutionCompletedEvent>().Single().OrchestrationStatus);
    }

    [Fact]
    public async Task Timer_longer_than_the_visibility_limit_is_re_armed_and_fires_not_before_its_time()
    {
        var options = TestBackends.FastOptions(azurite.ConnectionString);
        options.MaxMessageVisibilityDelay = TimeSpan.FromSeconds(1);
        await using var host = new TestHost(new AzureStorageOrchestrationBackend(options), TimeProvider.System);
        await host.StartWorkerAsync(
            r => r.AddOrchestratorFunc<DateTime>("Sleeper", async context =>
            {
                await context.CreateTimer(TimeSpan.FromSeconds(4), CancellationToken.None);
                return context.CurrentUtcDateTime;
            }),
            Slots());

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Sleeper", cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        var history = await host.Client.GetOrchestrationHistoryAsync(id, Timeout);
        var timer = history.OfType<TimerCreatedEvent>().Single();
        var fired = history.OfType<TimerFiredEvent>().Single();
        Assert.Equal(timer.EventId, fired.TimerId);

        // The episode that consumed the timer ran at or after its fire time, though each queue delay was at most 1 s.
        var firedAt = history.ToList().FindIndex(e => e is TimerFiredEvent);
        var episode = history.Take(firedAt).OfType<OrchestratorStartedEvent>().Last();
        Assert.True(episode.Timestamp >= timer.FireAt, $"ran at {episode.Timestamp:o}, due {timer.FireAt:o}");
        Assert.True(result.ReadOutputAs<DateTime>() >= timer.FireAt);
    }

    [Fact]
    public async Task Crash_between_instance_insert_and_start_message_is_repaired_by_the_sweeper()
    {
        var options = TestBackends.FastOptions(azurite.ConnectionString);
        options.PendingStartTimeout = TimeSpan.FromSeconds(2);
        options.SweepInterval = TimeSpan.FromSeconds(1);
        await using var host = new TestHost(new AzureStorageOrchestrationBackend(options), TimeProvider.System);
        var backend = (AzureStorageOrchestrationBackend)host.Backend;
        await backend.EnsureCreatedAsync(Timeout);

        // Steps 1 and 2 of a create (index mark, status row), then the "crash": no start message is ever sent.
        var id = "crashed-start";
        var start = new ExecutionStartedEvent(DateTime.UtcNow, "Hello", id, Guid.NewGuid().ToString("N"), "\"sweeper\"");
        await backend.Store.MarkUnsettledAsync(id, DateTime.UtcNow + options.PendingStartTimeout, Timeout);
        Assert.NotNull(await backend.Store.TryInsertStatusAsync(AzureStorageOrchestrationBackend.NewPendingRecord(start), Timeout));
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await backend.GetStateAsync(id, Timeout))?.RuntimeStatus);

        await host.StartWorkerAsync(Hello, Slots());
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal("Hello sweeper!", result.ReadOutputAs<string>());
        Assert.Single((await host.Client.GetOrchestrationHistoryAsync(id, Timeout)).OfType<ExecutionStartedEvent>());
    }

    [Fact]
    public async Task Instance_index_converges_after_a_crash_between_the_commit_and_the_index_write()
    {
        var options = TestBackends.FastOptions(azurite.ConnectionString);
        options.SweepInterval = TimeSpan.FromSeconds(1);
        options.IndexReconcileInterval = TimeSpan.FromSeconds(1);
        await using var host = new TestHost(new AzureStorageOrchestrationBackend(options), TimeProvider.System);
        var backend = (AzureStorageOrchestrationBackend)host.Backend;
        await host.StartWorkerAsync(Hello, Slots());
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Hello", "index", new StartOrchestrationOptions("index-crash"), Timeout);
        var completed = await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Timeout);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);

        // The index row as a crash right after the Running checkpoint leaves it: it still says Running.
        var state = (await backend.GetStateAsync(id, Timeout))!;
        await backend.Store.WriteIndexAsync(state with { RuntimeStatus = OrchestrationRuntimeStatus.Running }, DateTime.UtcNow.AddSeconds(-1), Timeout);

        // Queries are right at once (lagging rows are verified against the status row) ...
        var running = await backend.QueryInstancesAsync(new InstanceQuery { Statuses = [OrchestrationRuntimeStatus.Running] }, Timeout);
        var done = await backend.QueryInstancesAsync(new InstanceQuery { Statuses = [OrchestrationRuntimeStatus.Completed] }, Timeout);
        Assert.DoesNotContain(running.Instances, s => s.InstanceId == id);
        Assert.Contains(done.Instances, s => s.InstanceId == id);

        // ... and the sweeper rewrites the row.
        TableEntity row;
        do
        {
            await Task.Delay(200, Timeout);
            row = (await backend.Store.Index.GetEntityAsync<TableEntity>(TaskHub.PartitionKeyOfIndex(backend.Hub.PartitionOf(id)), TaskHub.SanitizeKey(id), cancellationToken: Timeout)).Value;
        }
        while (row.GetString("RuntimeStatus") != nameof(OrchestrationRuntimeStatus.Completed));

        Assert.False(row.GetBoolean("Unsettled"));
    }

    [Fact]
    public async Task Stalled_former_lease_owner_cannot_overwrite_newer_state()
    {
        var hubName = TestBackends.NewHubName();
        var stalledOptions = TestBackends.FastOptions(azurite.ConnectionString, hubName);
        stalledOptions.PartitionCount = 1;
        await using var stalled = new AzureStorageOrchestrationBackend(stalledOptions);
        var client = new BackendDurableTaskClient(stalled);
        var id = await client.ScheduleNewOrchestrationInstanceAsync("Hello", "new owner", cancellation: Timeout);

        // The first owner takes the work item and stalls (a long GC pause, a hung VM) ...
        OrchestrationWorkItem? stalledItem = null;
        while (stalledItem is null)
        {
            stalledItem = await stalled.LockNextOrchestrationWorkItemAsync(Timeout);
        }

        // ... a second worker starts and waits for the partition; the first one's lease lapses (broken here, instead of waiting
        // for it to expire) and the second takes the partition over.
        var newOptions = TestBackends.FastOptions(azurite.ConnectionString, hubName);
        newOptions.PartitionCount = 1;
        await using var host = new TestHost(new AzureStorageOrchestrationBackend(newOptions), TimeProvider.System);
        await host.StartWorkerAsync(Hello, Slots());
        await Task.Delay(TimeSpan.FromSeconds(1.5), Timeout);
        Assert.Empty(((AzureStorageOrchestrationBackend)host.Backend).OwnedPartitions);
        await new BlobContainerClient(azurite.ConnectionString, hubName.ToLowerInvariant() + "-leases")
            .GetBlobClient("control-00").GetBlobLeaseClient().BreakAsync(TimeSpan.Zero, cancellationToken: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);
        Assert.Equal("Hello new owner!", result.ReadOutputAs<string>());
        var newHistory = await host.Backend.GetHistoryAsync(id, Timeout);

        // The stalled owner wakes up and commits its episode: small and large checkpoints are both rejected, nothing changes.
        var start = (ExecutionStartedEvent)stalledItem.NewMessages.Single().Event;
        var now = DateTime.UtcNow;
        var small = new OrchestrationCheckpoint
        {
            NewHistory = [new OrchestratorStartedEvent(now), start, new OrchestratorCompletedEvent(now)],
            ReplacesHistory = true,
            NewState = stalledItem.State! with { RuntimeStatus = OrchestrationRuntimeStatus.Running, LastUpdatedAt = now },
        };
        var large = new OrchestrationCheckpoint
        {
            NewHistory = [new OrchestratorStartedEvent(now), start, .. Enumerable.Range(0, 150).Select(i => new TaskScheduledEvent(i, now, "SayHello", "\"stale\"")), new OrchestratorCompletedEvent(now)],
            ReplacesHistory = true,
            NewState = stalledItem.State! with { RuntimeStatus = OrchestrationRuntimeStatus.Running, LastUpdatedAt = now },
        };
        Assert.False(await stalled.CompleteOrchestrationWorkItemAsync(stalledItem, small, Timeout));
        var record = (await stalled.Store.LoadAsync(id, withHistory: false, Timeout))!;
        Assert.Null(await stalled.Store.CommitAsync(new InstanceRecord
        {
            State = stalledItem.State!,
            ETag = new ETag("W/\"datetime'2020-01-01T00%3A00%3A00.0000000Z'\""),
            HistoryExecutionId = record.HistoryExecutionId,
            HistoryCount = record.HistoryCount,
            Segments = record.Segments,
        }, large, 4, Timeout));

        // The fenced large attempt's rows (keys h{exec}-{seq}-{attempt}) are cleaned up behind it.
        var attemptRows = int.MaxValue;
        while (attemptRows > 0)
        {
            await Task.Delay(100, Timeout);
            attemptRows = 0;
            var filter = TableOdataFilter.Create($"PartitionKey eq {TaskHub.SanitizeKey(id)}");
            await foreach (var row in stalled.Store.History.QueryAsync<TableEntity>(filter, 1000, ["RowKey"], Timeout))
            {
                attemptRows += row.RowKey.Count(c => c == '-') == 2 ? 1 : 0;
            }
        }

        var after = (await host.Backend.GetStateAsync(id, Timeout))!;
        Assert.Equal(OrchestrationRuntimeStatus.Completed, after.RuntimeStatus);
        Assert.Equal("\"Hello new owner!\"", after.Output);
        Assert.Equal(newHistory.Select(e => e.EventType), (await host.Backend.GetHistoryAsync(id, Timeout)).Select(e => e.EventType));
    }

    [Fact]
    public async Task Fan_out_larger_than_one_transaction_commits_in_segments_and_reads_back_in_order()
    {
        await using var host = new TestHost(new AzureStorageOrchestrationBackend(TestBackends.FastOptions(azurite.ConnectionString)), TimeProvider.System);
        var backend = (AzureStorageOrchestrationBackend)host.Backend;
        await host.StartWorkerAsync(
            r => r
                .AddOrchestratorFunc<int, int>("Wide", async (context, n) => (await Task.WhenAll(Enumerable.Range(0, n).Select(i => context.CallActivityAsync<int>("Id", i)))).Sum())
                .AddActivityFunc<int, int>("Id", (_, i) => i),
            Slots(activities: 16));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Wide", 250, cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal(Enumerable.Range(0, 250).Sum(), result.ReadOutputAs<int>());
        var record = (await backend.Store.LoadAsync(id, withHistory: true, Timeout))!;
        Assert.NotEmpty(record.Segments);
        Assert.Equal(Enumerable.Range(0, 250), record.History!.OfType<TaskScheduledEvent>().Select(e => e.EventId));
        Assert.Equal(250, record.History!.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId).Distinct().Count());
    }

    [Fact]
    public async Task A_different_partition_count_on_an_existing_hub_is_a_clear_start_up_error()
    {
        var hubName = TestBackends.NewHubName();
        await using (var first = new AzureStorageOrchestrationBackend(TestBackends.FastOptions(azurite.ConnectionString, hubName)))
        {
            await first.EnsureCreatedAsync(Timeout);
        }

        var options = TestBackends.FastOptions(azurite.ConnectionString, hubName);
        options.PartitionCount = 3;
        await using var second = new AzureStorageOrchestrationBackend(options);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => second.EnsureCreatedAsync(Timeout));

        Assert.Contains("created with 2 partitions", error.Message, StringComparison.Ordinal);
        Assert.Contains("partitionCount is 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_are_rejected_naming_the_option()
    {
        var options = TestBackends.FastOptions("UseDevelopmentStorage=true");
        options.PartitionCount = 17;
        Assert.Equal(nameof(options.PartitionCount), Assert.Throws<ArgumentException>(options.Validate).ParamName);
        options = TestBackends.FastOptions("UseDevelopmentStorage=true", "bad-hub");
        Assert.Equal(nameof(options.HubName), Assert.Throws<ArgumentException>(options.Validate).ParamName);
        options = TestBackends.FastOptions("UseDevelopmentStorage=true");
        options.LeaseDuration = TimeSpan.FromSeconds(5);
        Assert.Equal(nameof(options.LeaseDuration), Assert.Throws<ArgumentException>(options.Validate).ParamName);
    }

    [Fact]
    public void Partition_is_fnv1a_of_the_instance_id_and_keys_are_sanitized_reversibly()
    {
        // FNV-1a reference values: "" → 0x811c9dc5, "a" → 0xe40c292c.
        Assert.Equal(0x811c9dc5u, TaskHub.Fnv1a(string.Empty));
        Assert.Equal(0xe40c292cu, TaskHub.Fnv1a("a"));
        Assert.Equal((int)(0xe40c292cu % 4), new TaskHub("Hub", 4).PartitionOf("a"));
        const string id = "a/b\\c#d?e^f\u0001g";
        var key = TaskHub.SanitizeKey(id);
        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        Assert.Equal(id, TaskHub.UnsanitizeKey(key));
    }

    [Fact]
    public void Host_json_durable_task_section_sets_hub_partitions_and_polling()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["extensions:durableTask:hubName"] = "ImportHub",
                ["extensions:durableTask:storageProvider:partitionCount"] = "8",
                ["extensions:durableTask:storageProvider:maxQueuePollingInterval"] = "00:00:05",
            })
            .Build();

        var options = new AzureStorageOrchestrationBackendOptions { ConnectionString = "UseDevelopmentStorage=true" }
            .BindDurableTaskSection(configuration.GetSection("extensions:durableTask"));

        Assert.Equal("ImportHub", options.HubName);
        Assert.Equal(8, options.PartitionCount);
        Assert.Equal(TimeSpan.FromSeconds(5), options.MaxQueuePollingInterval);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ControlQueueVisibilityTimeout);
        options.Validate();
    }
}
