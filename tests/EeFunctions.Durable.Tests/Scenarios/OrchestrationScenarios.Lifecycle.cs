using EeFunctions.Durable.Client;
using EeFunctions.Durable.History;

namespace EeFunctions.Durable.Tests.Scenarios;

/// <summary>Continue-as-new, suspend/resume, terminate, purge, queries and dedupe.</summary>
public abstract partial class OrchestrationScenarios
{
    private static void CounterTasks(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<int, int>("Counter", async (context, count) =>
        {
            var more = await context.WaitForExternalEvent<int>("Add");
            if (more < 0)
            {
                return count;
            }

            context.ContinueAsNew(count + more);
            return -1;
        })
        .AddOrchestratorFunc<int, int>("CountTo", (context, count) =>
        {
            if (count < 5)
            {
                context.ContinueAsNew(count + 1);
            }

            return Task.FromResult(count);
        });

    [Fact]
    public async Task Continue_as_new_restarts_with_the_new_input_and_fresh_history()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(CounterTasks);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("CountTo", 0, cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal(5, result.ReadOutputAs<int>());
        Assert.Equal(5, result.ReadInputAs<int>());
        var history = await host.Client.GetOrchestrationHistoryAsync(id, Timeout);
        Assert.Single(history.OfType<ExecutionStartedEvent>());
        Assert.Empty(history.OfType<ContinueAsNewEvent>());
    }

    [Fact]
    public async Task Continue_as_new_carries_unprocessed_events_into_the_next_execution()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(CounterTasks);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Counter", 0, cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);

        // Raised back to back: the first one continues as new, the others must survive into the following executions.
        await host.Client.SuspendInstanceAsync(id, cancellation: Timeout);
        await host.Client.RaiseEventAsync(id, "Add", 1, Timeout);
        await host.Client.RaiseEventAsync(id, "Add", 10, Timeout);
        await host.Client.RaiseEventAsync(id, "Add", 100, Timeout);
        await host.Client.RaiseEventAsync(id, "Add", -1, Timeout);
        await host.Client.ResumeInstanceAsync(id, cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(111, result.ReadOutputAs<int>());
    }

    [Fact]
    public async Task Continue_as_new_without_preserving_drops_unprocessed_events()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => r.AddOrchestratorFunc<int, string>("Forgetful", async (context, generation) =>
        {
            if (generation == 0)
            {
                await context.WaitForExternalEvent<string>("First");
                context.ContinueAsNew(1, preserveUnprocessedEvents: false);
                return "continued";
            }

            try
            {
                return await context.WaitForExternalEvent<string>("Second", TimeSpan.FromMilliseconds(300));
            }
            catch (TaskCanceledException)
            {
                return "second event was dropped";
            }
        }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Forgetful", 0, cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);

        await host.Client.SuspendInstanceAsync(id, cancellation: Timeout);
        await host.Client.RaiseEventAsync(id, "First", "1", Timeout);
        await host.Client.RaiseEventAsync(id, "Second", "2", Timeout);
        await host.Client.ResumeInstanceAsync(id, cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal("second event was dropped", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Suspended_instance_buffers_events_until_resumed()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(ApprovalTasks);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);

        await host.Client.SuspendInstanceAsync(id, "maintenance", Timeout);
        await host.Backend.WaitForStateAsync(id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, Timeout);
        await host.Client.RaiseEventAsync(id, "Approved", new Approval("linus"), Timeout);

        // The event is in history but not applied: the instance stays suspended and does not complete.
        var history = await WaitForHistoryAsync(host, id, h => h.OfType<EventRaisedEvent>().Any());
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await host.Client.GetInstanceAsync(id, cancellation: Timeout))?.RuntimeStatus);
        Assert.Empty(history.OfType<ExecutionCompletedEvent>());

        await host.Client.ResumeInstanceAsync(id, "done", Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal("approved by linus", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Terminate_ends_a_running_instance_with_the_reason_as_output()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(ApprovalTasks);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);

        await host.Client.TerminateInstanceAsync(id, "no longer needed", Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("no longer needed", result.ReadOutputAs<string>());
        Assert.Single((await host.Client.GetOrchestrationHistoryAsync(id, Timeout)).OfType<ExecutionTerminatedEvent>());
    }

    [Fact]
    public async Task Terminate_ends_a_suspended_instance()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(ApprovalTasks);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);
        await host.Client.SuspendInstanceAsync(id, cancellation: Timeout);
        await host.Backend.WaitForStateAsync(id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, Timeout);

        await host.Client.TerminateInstanceAsync(id, "stop", Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
    }

    [Fact]
    public async Task Terminate_ends_a_pending_instance_that_never_runs()
    {
        await using var host = CreateHost(virtualClock: true);
        var ran = false;
        await host.StartWorkerAsync(r => r.AddOrchestratorFunc<bool>("Later", _ =>
        {
            ran = true;
            return Task.FromResult(true);
        }));
        var startAt = host.FakeClock.GetUtcNow().AddHours(1);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Later", new StartOrchestrationOptions(StartAt: startAt), Timeout);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await host.Client.GetInstanceAsync(id, cancellation: Timeout))?.RuntimeStatus);

        await host.Client.TerminateInstanceAsync(id, "cancelled before start", Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);
        host.FakeClock.Advance(TimeSpan.FromHours(2));
        var later = await host.Client.GetInstanceAsync(id, cancellation: Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("cancelled before start", result.ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, later?.RuntimeStatus);
        Assert.False(ran);
    }

    [Fact]
    public async Task Scheduled_start_stays_pending_until_its_time()
    {
        await using var host = CreateHost(virtualClock: true);
        await host.StartWorkerAsync(HelloTasks);
        var startAt = host.FakeClock.GetUtcNow().AddMinutes(30);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new[] { "Rome" }, new StartOrchestrationOptions(StartAt: startAt), Timeout);
        var pending = await host.Client.GetInstanceAsync(id, cancellation: Timeout);
        host.FakeClock.AdvanceTo(startAt);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Pending, pending?.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(result.LastUpdatedAt >= startAt);
    }

    [Fact]
    public async Task Event_raised_to_a_scheduled_instance_before_it_starts_is_delivered_after_the_start()
    {
        await using var host = CreateHost(virtualClock: true);
        await host.StartWorkerAsync(ApprovalTasks);
        var startAt = host.FakeClock.GetUtcNow().AddMinutes(10);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", new StartOrchestrationOptions(StartAt: startAt), Timeout);

        await host.Client.RaiseEventAsync(id, "Approved", new Approval("early bird"), Timeout);
        var metadata = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true, Timeout);
        while (metadata is not { IsCompleted: true })
        {
            // Time passes in one-second steps, as it would for a real worker re-trying the deferred event.
            host.FakeClock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1, Timeout);
            metadata = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true, Timeout);
        }

        Assert.Equal("approved by early bird", metadata.ReadOutputAs<string>());
        Assert.True(metadata.LastUpdatedAt >= startAt);
    }

    [Fact]
    public async Task Client_operations_on_an_unknown_instance_are_argument_errors()
    {
        await using var host = CreateHost();

        await Assert.ThrowsAsync<ArgumentException>(() => host.Client.RaiseEventAsync("missing", "E", null, Timeout));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Client.TerminateInstanceAsync("missing", null, Timeout));
        Assert.Null(await host.Client.GetInstanceAsync("missing", cancellation: Timeout));
        Assert.Equal(0, (await host.Client.PurgeInstanceAsync("missing", Timeout)).PurgedInstanceCount);
    }

    [Fact]
    public async Task Purge_deletes_terminal_instances_and_refuses_running_ones()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => { HelloTasks(r); ApprovalTasks(r); });
        var done = await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new[] { "Lima" }, cancellation: Timeout);
        await host.Client.WaitForInstanceCompletionAsync(done, cancellation: Timeout);
        var running = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(running, cancellation: Timeout);

        var purged = await host.Client.PurgeInstanceAsync(done, Timeout);
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.PurgeInstanceAsync(running, Timeout));

        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync(done, cancellation: Timeout));
        Assert.Empty(await host.Client.GetOrchestrationHistoryAsync(done, Timeout));
        Assert.NotNull(await host.Client.GetInstanceAsync(running, cancellation: Timeout));
    }

    [Fact]
    public async Task Purge_all_by_filter_deletes_only_matching_terminal_instances()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => { HelloTasks(r); ApprovalTasks(r); });
        var completed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            completed.Add(await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new[] { "x" }, cancellation: Timeout));
        }

        foreach (var id in completed)
        {
            await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Timeout);
        }

        var terminated = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", cancellation: Timeout);
        await host.Client.TerminateInstanceAsync(terminated, null, Timeout);
        await host.Client.WaitForInstanceCompletionAsync(terminated, cancellation: Timeout);
        var running = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", cancellation: Timeout);

        var onlyCompleted = await host.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(Statuses: [OrchestrationRuntimeStatus.Completed]), Timeout);
        var rest = await host.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(CreatedFrom: DateTimeOffset.MinValue), Timeout);

        Assert.Equal(3, onlyCompleted.PurgedInstanceCount);
        Assert.Equal(1, rest.PurgedInstanceCount);
        Assert.NotNull(await host.Client.GetInstanceAsync(running, cancellation: Timeout));
    }

    [Fact]
    public async Task Queries_filter_by_status_and_prefix_and_page_with_continuation_tokens()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => { HelloTasks(r); ApprovalTasks(r); });
        for (var i = 0; i < 7; i++)
        {
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new[] { "q" }, new() { InstanceId = $"query-done-{i}" }, Timeout);
            await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Timeout);
        }

        for (var i = 0; i < 2; i++)
        {
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", new StartOrchestrationOptions($"query-wait-{i}"), Timeout);
            await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);
        }

        var pages = new List<Page<OrchestrationMetadata>>();
        await foreach (var page in host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "query-", PageSize = 3 }).AsPages())
        {
            pages.Add(page);
        }

        var running = new List<string>();
        await foreach (var instance in host.Client.GetAllInstancesAsync(new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running], FetchInputsAndOutputs = true }))
        {
            running.Add(instance.InstanceId);
        }

        Assert.Equal([3, 3, 3], pages.Select(p => p.Values.Count));
        Assert.Null(pages[^1].ContinuationToken);
        Assert.Equal(
            Enumerable.Range(0, 7).Select(i => $"query-done-{i}").Concat(["query-wait-0", "query-wait-1"]),
            pages.SelectMany(p => p.Values).Select(m => m.InstanceId));
        Assert.Equal(["query-wait-0", "query-wait-1"], running);

        var resumed = host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "query-", PageSize = 4, ContinuationToken = pages[0].ContinuationToken });
        var afterFirstPage = new List<string>();
        await foreach (var instance in resumed)
        {
            afterFirstPage.Add(instance.InstanceId);
        }

        Assert.Equal(6, afterFirstPage.Count);
        Assert.Equal("query-done-3", afterFirstPage[0]);
    }

    [Fact]
    public async Task Queries_filter_by_creation_time()
    {
        await using var host = CreateHost(virtualClock: true);
        var early = await host.Client.ScheduleNewOrchestrationInstanceAsync("Any", new StartOrchestrationOptions("time-early"), Timeout);
        host.FakeClock.Advance(TimeSpan.FromHours(1));
        var middle = host.FakeClock.GetUtcNow();
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Any", new StartOrchestrationOptions("time-late"), Timeout);

        var late = new List<string>();
        await foreach (var instance in host.Client.GetAllInstancesAsync(new OrchestrationQuery { CreatedFrom = middle }))
        {
            late.Add(instance.InstanceId);
        }

        var earlyOnly = new List<string>();
        await foreach (var instance in host.Client.GetAllInstancesAsync(new OrchestrationQuery { CreatedTo = middle.AddMinutes(-1) }))
        {
            earlyOnly.Add(instance.InstanceId);
        }

        Assert.Equal(["time-late"], late);
        Assert.Equal([early], earlyOnly);
    }

    [Fact]
    public async Task Start_with_an_existing_active_id_throws_with_the_existing_status()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(ApprovalTasks);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", new StartOrchestrationOptions("dedupe-active"), Timeout);
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);

        var error = await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(
            () => host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", new StartOrchestrationOptions("dedupe-active"), Timeout));

        Assert.Equal(OrchestrationRuntimeStatus.Running, error.ExistingStatus);
        Assert.Equal("dedupe-active", error.InstanceId);
    }

    [Fact]
    public async Task Start_over_a_terminal_instance_replaces_it_with_a_new_execution_by_default()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(HelloTasks);
        var options = new StartOrchestrationOptions("dedupe-replace");
        await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new[] { "first" }, options, Timeout);
        var first = await host.Client.WaitForInstanceCompletionAsync("dedupe-replace", getInputsAndOutputs: true, Timeout);

        await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new[] { "second" }, options, Timeout);
        var second = await host.Client.WaitForInstanceCompletionAsync("dedupe-replace", getInputsAndOutputs: true, Timeout);

        Assert.Equal(["Hello first!"], first.ReadOutputAs<List<string>>());
        Assert.Equal(["Hello second!"], second.ReadOutputAs<List<string>>());
        var history = await host.Client.GetOrchestrationHistoryAsync("dedupe-replace", Timeout);
        Assert.Equal("[\"second\"]", history.OfType<ExecutionStartedEvent>().Single().Input);
    }

    [Fact]
    public async Task Start_with_no_dedupe_statuses_replaces_even_a_running_instance()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => r.AddOrchestratorFunc<string, string>("Echo", async (context, input) =>
            input + ":" + await context.WaitForExternalEvent<string>("Go")));
        var options = new StartOrchestrationOptions("replace-running") { DedupeStatuses = [] };
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Echo", "first", options, Timeout);
        await host.Client.WaitForInstanceStartAsync("replace-running", cancellation: Timeout);

        await host.Client.ScheduleNewOrchestrationInstanceAsync("Echo", "second", options, Timeout);
        await host.Client.WaitForInstanceStartAsync("replace-running", cancellation: Timeout);
        await host.Client.RaiseEventAsync("replace-running", "Go", "go", Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync("replace-running", getInputsAndOutputs: true, Timeout);

        Assert.Equal("second:go", result.ReadOutputAs<string>());
        Assert.Equal("\"second\"", (await host.Client.GetOrchestrationHistoryAsync("replace-running", Timeout)).OfType<ExecutionStartedEvent>().Single().Input);
    }

    [Fact]
    public async Task Start_with_all_statuses_as_dedupe_never_restarts_a_finished_instance()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(HelloTasks);
        var options = new StartOrchestrationOptions("request-42").WithDedupeStatuses(Enum.GetValues<OrchestrationRuntimeStatus>());
        await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new[] { "once" }, options, Timeout);
        await host.Client.WaitForInstanceCompletionAsync("request-42", cancellation: Timeout);

        var error = await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(
            () => host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new[] { "twice" }, options, Timeout));
        var state = await host.Client.GetInstanceAsync("request-42", getInputsAndOutputs: true, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, error.ExistingStatus);
        Assert.Equal(["Hello once!"], state?.ReadOutputAs<List<string>>());
    }

    [Fact]
    public async Task One_hundred_concurrent_starts_of_one_id_give_exactly_one_execution()
    {
        await using var host = CreateHost();
        var executions = 0;
        await host.StartWorkerAsync(r => r.AddOrchestratorFunc<int>("Once", context =>
        {
            if (!context.IsReplaying)
            {
                Interlocked.Increment(ref executions);
            }

            return Task.FromResult(1);
        }));
        var options = new StartOrchestrationOptions("concurrent-start").WithDedupeStatuses(Enum.GetValues<OrchestrationRuntimeStatus>());

        var attempts = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            try
            {
                await host.Client.ScheduleNewOrchestrationInstanceAsync("Once", options, Timeout);
                return true;
            }
            catch (OrchestrationAlreadyExistsException)
            {
                return false;
            }
        }));
        var outcomes = await Task.WhenAll(attempts);
        await host.Client.WaitForInstanceCompletionAsync("concurrent-start", cancellation: Timeout);

        Assert.Equal(1, outcomes.Count(started => started));
        Assert.Equal(1, executions);
    }

    [Theory]
    [InlineData("")]
    [InlineData("@entity")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("tab\there")]
    public async Task Invalid_instance_ids_are_rejected_with_a_clear_error(string instanceId)
    {
        await using var host = CreateHost();

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => host.Client.ScheduleNewOrchestrationInstanceAsync("Any", new StartOrchestrationOptions(instanceId), Timeout));

        Assert.Contains("instance id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instance_id_of_257_characters_is_rejected_and_256_is_accepted()
    {
        await using var host = CreateHost();

        await Assert.ThrowsAsync<ArgumentException>(
            () => host.Client.ScheduleNewOrchestrationInstanceAsync("Any", new StartOrchestrationOptions(new string('a', 257)), Timeout));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Any", new StartOrchestrationOptions(new string('a', 256)), Timeout);

        Assert.Equal(256, id.Length);
    }

    private async Task<IReadOnlyList<HistoryEvent>> WaitForHistoryAsync(Support.TestHost host, string instanceId, Func<IReadOnlyList<HistoryEvent>, bool> predicate)
    {
        while (true)
        {
            var history = await host.Client.GetOrchestrationHistoryAsync(instanceId, Timeout);
            if (predicate(history))
            {
                return history;
            }

            await Task.Delay(5, Timeout);
        }
    }
}
