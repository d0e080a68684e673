using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace EeFunctions.DurableTask.Tests;

/// <summary>The Durable Task SDK's programming model running on DTFx's Azure Storage provider through our adapters.</summary>
public sealed class OrchestrationScenarioTests(ScenarioHostFixture fixture) : IClassFixture<ScenarioHostFixture>
{
    private DurableTestHost Host => fixture.Host;

    [Fact]
    public async Task An_activity_chain_passes_each_result_to_the_next_activity()
    {
        var done = await Host.RunAsync("Chain", "World");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("Hello, Hello, Hello, World!!!", done.ReadOutputAs<string>());
        Assert.Equal("World", done.ReadInputAs<string>());
    }

    [Fact]
    public async Task A_fan_out_of_a_thousand_activities_fans_in_to_their_sum()
    {
        var done = await Host.RunAsync("FanOut", 1000, TimeSpan.FromMinutes(4));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(999L * 1000 / 2, done.ReadOutputAs<long>());
    }

    [Fact]
    public async Task A_durable_timer_fires_after_its_delay_within_the_queues_one_second_resolution()
    {
        // DTFx delays the timer message by whole seconds of queue visibility, so it may arrive up to a second early.
        var done = await Host.RunAsync("Timer", 3);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(done.ReadOutputAs<double>() >= 2, $"woke after {done.ReadOutputAs<double>()} s");
        Assert.True(done.LastUpdatedAt - done.CreatedAt >= TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task An_external_event_resumes_the_orchestration_with_its_payload()
    {
        var id = await Host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForEvent");
        await Host.Client.WaitForInstanceStartAsync(id);
        await Host.Client.RaiseEventAsync(id, "Approval", "approved");
        var done = await Host.WaitAsync(id);
        Assert.Equal("approved", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_sub_orchestration_returns_its_output_to_the_parent()
    {
        var done = await Host.RunAsync("Parent", "Sub");
        Assert.Equal("parent of Hello, Hello, Hello, Sub!!!", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_sub_orchestration_knows_its_parent_and_a_top_level_one_has_none()
    {
        var done = await Host.RunAsync("AsksForItsParent", "x");
        Assert.Equal($"AsksForItsParent/{done.InstanceId}", done.ReadOutputAs<string>());
        var alone = await Host.RunAsync("NamesItsParent", "x");
        Assert.Equal("no parent", alone.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ContinueAsNew_restarts_with_the_new_input_until_it_returns()
    {
        var done = await Host.RunAsync("Countdown", 5);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(0, done.ReadOutputAs<int>());
        Assert.Equal(0, done.ReadInputAs<int>());
    }

    [Fact]
    public async Task A_retry_policy_retries_a_failing_activity_until_it_succeeds()
    {
        var key = Guid.NewGuid().ToString("N");
        var done = await Host.RunAsync("Retries", key);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("ok after 3", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task An_activity_failure_surfaces_in_TaskFailedException_with_its_type_and_message()
    {
        var done = await Host.RunAsync("CatchesFailure", "bad value");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var parts = done.ReadOutputAs<string>()!.Split('|');
        Assert.Equal(typeof(ArgumentOutOfRangeException).FullName, parts[0]);
        Assert.Contains("bad value", parts[1], StringComparison.Ordinal);
        Assert.Equal("True", parts[2]);
    }

    [Fact]
    public async Task An_uncaught_failure_fails_the_instance_with_failure_details()
    {
        var done = await Host.RunAsync("FailsUncaught", "broken");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.NotNull(done.FailureDetails);
        Assert.Contains("broken", done.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Custom_status_is_visible_while_running_and_after_completion()
    {
        var id = await Host.Client.ScheduleNewOrchestrationInstanceAsync("CustomStatus");
        var running = await PollAsync(id, m => m.SerializedCustomStatus?.Contains("waiting", StringComparison.Ordinal) == true);
        Assert.Equal(OrchestrationRuntimeStatus.Running, running.RuntimeStatus);
        await Host.Client.RaiseEventAsync(id, "Go", "went");
        var done = await Host.WaitAsync(id);
        Assert.Equal("went", done.ReadOutputAs<string>());
        Assert.Contains("done", done.SerializedCustomStatus, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_instance_buffers_events_until_it_is_resumed()
    {
        var id = await Host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForEvent");
        await Host.Client.WaitForInstanceStartAsync(id);
        await Host.Client.SuspendInstanceAsync(id, "hold");
        await PollAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);
        await Host.Client.RaiseEventAsync(id, "Approval", "while suspended");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await Host.Client.GetInstanceAsync(id))!.RuntimeStatus);

        await Host.Client.ResumeInstanceAsync(id, "go on");
        var done = await Host.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("while suspended", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Terminate_ends_a_waiting_instance_with_the_reason_as_output()
    {
        var id = await Host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForEvent");
        await Host.Client.WaitForInstanceStartAsync(id);
        await Host.Client.TerminateInstanceAsync(id, "enough");
        var done = await Host.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
        Assert.Equal("enough", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task NewGuid_is_the_same_on_every_replay()
    {
        var done = await Host.RunAsync("DeterministicGuid");
        Assert.True(done.ReadOutputAs<bool>());
    }

    [Fact]
    public async Task A_replay_safe_logger_writes_once_however_often_the_orchestrator_replays()
    {
        var done = await Host.RunAsync("ReplaySafeLogging", "log");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Single(fixture.Logs, l => l.Contains(ScenarioOrchestrations.ReplaySafeMessage, StringComparison.Ordinal) && l.Contains(done.InstanceId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_scheduled_start_stays_pending_until_its_time()
    {
        var id = await Host.Client.ScheduleNewOrchestrationInstanceAsync("Chain", "Later", new StartOrchestrationOptions { StartAt = DateTimeOffset.UtcNow.AddSeconds(4) });
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await Host.Client.GetInstanceAsync(id))!.RuntimeStatus);
        var done = await Host.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }

    [Fact]
    public async Task Starting_an_active_id_again_is_refused_and_a_finished_one_purges_to_nothing()
    {
        var id = "dup-" + Guid.NewGuid().ToString("N");
        await Host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForEvent", new StartOrchestrationOptions(id));
        await Assert.ThrowsAsync<global::DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException>(() =>
            Host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForEvent", new StartOrchestrationOptions(id)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Host.Client.PurgeInstanceAsync(id));

        await Host.Client.RaiseEventAsync(id, "Approval", "x");
        await Host.WaitAsync(id);
        Assert.Equal(1, (await Host.Client.PurgeInstanceAsync(id)).PurgedInstanceCount);
        Assert.Null(await Host.Client.GetInstanceAsync(id));
    }

    [Fact]
    public async Task An_event_raised_before_the_instance_has_started_is_delivered_once_it_starts()
    {
        // The start message stays invisible until StartAt, as when the worker defers a start it dequeued before the
        // client wrote the instance's row: the provider alone would discard the event ("No such instance").
        var id = "early-" + Guid.NewGuid().ToString("N");
        await Host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForEvent", new StartOrchestrationOptions(id, DateTimeOffset.UtcNow.AddSeconds(3)));
        await Host.Client.RaiseEventAsync(id, "Approval", "early");
        var done = await Host.WaitAsync(id, TimeSpan.FromSeconds(60));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("early", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_query_pages_through_instances_by_prefix_with_continuation_tokens()
    {
        var prefix = "q" + Guid.NewGuid().ToString("N")[..8] + "-";
        var ids = Enumerable.Range(0, 7).Select(i => $"{prefix}{i}").ToList();
        foreach (var id in ids)
        {
            await Host.Client.ScheduleNewOrchestrationInstanceAsync("Chain", id, new StartOrchestrationOptions(id));
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            await foreach (var page in Host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, PageSize = 3, FetchInputsAndOutputs = true }).AsPages(token, 3))
            {
                seen.AddRange(page.Values.Select(m => m.InstanceId));
                Assert.All(page.Values, m => Assert.Equal(m.InstanceId, m.ReadInputAs<string>()));
                token = page.ContinuationToken;
                pages++;
                break;
            }
        }
        while (token is not null);

        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.True(pages >= 3);
    }

    [Fact]
    public async Task Restart_runs_the_orchestrator_again_with_its_input_under_a_new_id_or_in_place_once_finished()
    {
        var first = await Host.RunAsync("Chain", "Again");
        var newId = await Host.Client.RestartAsync(first.InstanceId, restartWithNewInstanceId: true);
        Assert.NotEqual(first.InstanceId, newId);
        Assert.Equal("Hello, Hello, Hello, Again!!!", (await Host.WaitAsync(newId)).ReadOutputAs<string>());

        Assert.Equal(first.InstanceId, await Host.Client.RestartAsync(first.InstanceId, restartWithNewInstanceId: false));
        var again = await Host.WaitAsync(first.InstanceId);
        Assert.Equal("Again", again.ReadInputAs<string>());
        Assert.True(again.CreatedAt > first.CreatedAt);

        var waiting = await Host.Client.ScheduleNewOrchestrationInstanceAsync("WaitForEvent");
        await Host.Client.WaitForInstanceStartAsync(waiting);
        await Assert.ThrowsAsync<global::DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException>(() => Host.Client.RestartAsync(waiting, restartWithNewInstanceId: false));
        await Host.Client.TerminateInstanceAsync(waiting);
    }

    private async Task<OrchestrationMetadata> PollAsync(string id, Func<OrchestrationMetadata, bool> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await Host.Client.GetInstanceAsync(id, getInputsAndOutputs: true) is { } m && condition(m))
            {
                return m;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"instance {id} never met the condition");
    }
}
