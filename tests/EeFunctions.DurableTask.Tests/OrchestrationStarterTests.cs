using Azure.Data.Tables;
using EeFunctions.Testing;
using Microsoft.DurableTask.Client;

namespace EeFunctions.DurableTask.Tests;

/// <summary>The shared starter: one instance per id, however many callers race, and recovery of a start a crash cut short.</summary>
public sealed class OrchestrationStarterTests(ScenarioHostFixture fixture) : IClassFixture<ScenarioHostFixture>
{
    private DurableTestHost Host => fixture.Host;

    [Fact]
    public async Task Fifty_concurrent_starts_of_one_id_schedule_it_once_and_all_see_that_instance()
    {
        var id = "race-" + Guid.NewGuid().ToString("N");
        using var gate = new SemaphoreSlim(0);
        var starts = Enumerable.Range(0, 50).Select(async i =>
        {
            await gate.WaitAsync();
            var started = await Host.Starter.StartOnceAsync(Host.Client, "Chain", id, $"caller {i}", CancellationToken.None);
            var seen = await Host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            return (started, seen);
        }).ToList();
        gate.Release(50);
        var results = await Task.WhenAll(starts);

        Assert.Single(results, r => r.started);
        Assert.All(results, r => Assert.NotNull(r.seen));
        var done = await Host.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var winner = results.Single(r => r.started).seen!;
        Assert.All(results, r => Assert.Equal(winner.CreatedAt, r.seen!.CreatedAt));

        // One execution ran, with the winner's input: its history has exactly one start.
        var history = await ((ShimDurableTaskClient)Host.Client).GetHistoryAsync(id);
        Assert.Single(history, e => (string?)e["EventType"] == "ExecutionStarted");
        Assert.Equal(done.ReadInputAs<string>(), winner.ReadInputAs<string>());
    }

    [Fact]
    public async Task A_start_row_left_by_a_crash_before_scheduling_is_completed_by_the_next_caller()
    {
        var id = "crashed-" + Guid.NewGuid().ToString("N");

        // As if a caller had inserted its row and died before scheduling.
        var rows = new TableServiceClient(fixture.ConnectionString).GetTableClient(Host.HubName + "Starts");
        await rows.CreateIfNotExistsAsync();
        await rows.AddEntityAsync(new TableEntity(id, string.Empty));

        var started = await Host.Starter.StartOnceAsync(Host.Client, "Chain", id, "late", CancellationToken.None);
        Assert.True(started);
        var done = await Host.WaitAsync(id);
        Assert.Equal("Hello, Hello, Hello, late!!!", done.ReadOutputAs<string>());
        Assert.False(await Host.Starter.StartOnceAsync(Host.Client, "Chain", id, "again", CancellationToken.None));
    }

    [Fact]
    public async Task A_start_whose_Pending_row_was_never_written_leaves_no_Pending_instance_and_the_id_can_be_started_again()
    {
        // DTFx enqueues the start before it writes the Pending row: a crash between the two leaves only the message.
        var id = "rowless-" + Guid.NewGuid().ToString("N");
        var instance = new global::DurableTask.Core.OrchestrationInstance { InstanceId = id, ExecutionId = Guid.NewGuid().ToString("N") };
        var started = new global::DurableTask.Core.History.ExecutionStartedEvent(-1, "\"orphan\"") { Name = "Chain", Version = string.Empty, OrchestrationInstance = instance };
        var service = (global::DurableTask.Core.IOrchestrationServiceClient)Host.Services.GetService(typeof(global::DurableTask.Core.IOrchestrationServiceClient))!;
        await service.SendTaskOrchestrationMessageAsync(new global::DurableTask.Core.TaskMessage { OrchestrationInstance = instance, Event = started });

        // The orphaned message never makes an instance appear, so none can be stuck Pending.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Null(await Host.Client.GetInstanceAsync(id));

        Assert.True(await Host.Starter.StartOnceAsync(Host.Client, "Chain", id, "again", CancellationToken.None));
        var done = await Host.WaitAsync(id);
        Assert.Equal("Hello, Hello, Hello, again!!!", done.ReadOutputAs<string>());
        var history = await ((ShimDurableTaskClient)Host.Client).GetHistoryAsync(id);
        Assert.Single(history, e => (string?)e["EventType"] == "ExecutionStarted");
    }

    [Fact]
    public async Task A_bad_instance_id_is_refused_before_anything_is_written()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Host.Starter.StartOnceAsync(Host.Client, "Chain", "a/b", null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Host.Client.ScheduleNewOrchestrationInstanceAsync("Chain", new Microsoft.DurableTask.StartOrchestrationOptions("@x")));
    }
}
