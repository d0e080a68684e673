using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;
using EeFunctions.Durable.Tests.Support;

namespace EeFunctions.Durable.Tests.Scenarios;

/// <summary>
/// End-to-end scenarios of the engine, written against <see cref="IOrchestrationBackend"/> only: a backend test class derives
/// from this one and supplies <see cref="CreateBackend"/> (the in-memory backend now, Azure Storage next).
/// </summary>
public abstract partial class OrchestrationScenarios : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    /// <summary>Guards each test against hanging; not a timing assertion.</summary>
    protected CancellationToken Timeout => _timeout.Token;

    /// <summary>Creates a fresh, empty backend on <paramref name="timeProvider"/>.</summary>
    protected abstract IOrchestrationBackend CreateBackend(TimeProvider timeProvider);

    /// <summary>Adjusts the options of every worker the scenarios start (e.g. to disable the replay cache).</summary>
    protected virtual void ConfigureWorker(Worker.DurableTaskWorkerOptions options)
    {
    }

    /// <summary>
    /// A host on a fresh backend. With <paramref name="virtualClock"/> time is a <see cref="FakeTimeProvider"/> that the test
    /// advances; a backend whose timers cannot follow it can override this (e.g. to shorten its polling).
    /// </summary>
    protected virtual TestHost CreateHost(bool virtualClock = false)
    {
        TimeProvider time = virtualClock ? new FakeTimeProvider() : TimeProvider.System;
        return new TestHost(CreateBackend(time), time, ConfigureWorker);
    }

    public void Dispose()
    {
        _timeout.Dispose();
        GC.SuppressFinalize(this);
    }

    private static void HelloTasks(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<string[], List<string>>("HelloSequence", async (context, cities) =>
        {
            var results = new List<string>();
            foreach (var city in cities)
            {
                results.Add(await context.CallActivityAsync<string>("SayHello", city));
            }

            return results;
        })
        .AddActivityFunc<string, string>("SayHello", (_, name) => $"Hello {name}!");

    [Fact]
    public async Task Hello_sequence_returns_the_activity_results_in_order()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(HelloTasks);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new[] { "Tokyo", "Seattle", "London" }, cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(["Hello Tokyo!", "Hello Seattle!", "Hello London!"], result.ReadOutputAs<List<string>>());
        Assert.Equal(["Tokyo", "Seattle", "London"], result.ReadInputAs<List<string>>());
    }

    [Fact]
    public async Task History_is_ordered_and_names_every_step()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(HelloTasks);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new[] { "Oslo" }, cancellation: Timeout);
        await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Timeout);
        var history = await host.Client.GetOrchestrationHistoryAsync(id, Timeout);

        Assert.Equal(
            ["OrchestratorStarted", "ExecutionStarted", "TaskScheduled", "OrchestratorCompleted",
             "OrchestratorStarted", "TaskCompleted", "ExecutionCompleted", "OrchestratorCompleted"],
            history.Select(e => e.EventType));
        Assert.Equal("SayHello", history.OfType<TaskScheduledEvent>().Single().Name);
        Assert.Equal("\"Hello Oslo!\"", history.OfType<TaskCompletedEvent>().Single().Result);
    }

    [Fact]
    public async Task Fan_out_fan_in_of_1000_activities_collects_every_result_with_one_orchestrator_run()
    {
        await using var host = CreateHost();
        var starts = 0;
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<int, long>("FanOut", async (context, count) =>
            {
                if (!context.IsReplaying)
                {
                    Interlocked.Increment(ref starts);
                }

                var tasks = Enumerable.Range(1, count).Select(i => context.CallActivityAsync<long>("Square", i)).ToList();
                var squares = await Task.WhenAll(tasks);
                return squares.Sum();
            })
            .AddActivityFunc<int, long>("Square", (_, i) => (long)i * i));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 1000, cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 1000).Sum(i => (long)i * i), result.ReadOutputAs<long>());

        // The cached state machine resumed for every batch of completions: the orchestrator body started once, never replayed.
        Assert.Equal(1, starts);
        var history = await host.Client.GetOrchestrationHistoryAsync(id, Timeout);
        Assert.Equal(1000, history.OfType<TaskScheduledEvent>().Count());
        Assert.Equal(1000, history.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId).Distinct().Count());
    }

    [Fact]
    public async Task Activity_failure_surfaces_as_TaskFailedException_with_type_message_stack_and_inner()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("CatchFailure", async context =>
            {
                try
                {
                    await context.CallActivityAsync("Explode");
                    return "no failure";
                }
                catch (TaskFailedException ex)
                {
                    var d = ex.FailureDetails;
                    return $"{ex.TaskName}|{d.ErrorType}|{d.ErrorMessage}|{d.StackTrace is not null}|{d.InnerFailure?.ErrorType}|{d.IsCausedBy<InvalidOperationException>()}";
                }
            })
            .AddActivityFunc<object?>("Explode", (_, _) => throw new InvalidOperationException("boom", new FormatException("bad format"))));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("CatchFailure", cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal("Explode|System.InvalidOperationException|boom|True|System.FormatException|True", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Unhandled_orchestrator_exception_fails_the_instance_with_details()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("Unhandled", async context =>
            {
                await context.CallActivityAsync("Explode");
                return "unreachable";
            })
            .AddActivityFunc<object?>("Explode", (_, _) => throw new InvalidOperationException("boom")));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Unhandled", cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.NotNull(result.FailureDetails);
        Assert.Equal(typeof(TaskFailedException).FullName, result.FailureDetails.ErrorType);
        Assert.Contains("Explode", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("boom", result.FailureDetails.InnerFailure?.ErrorMessage);
        var completed = (await host.Client.GetOrchestrationHistoryAsync(id, Timeout)).OfType<ExecutionCompletedEvent>().Single();
        Assert.Equal(OrchestrationRuntimeStatus.Failed, completed.OrchestrationStatus);
    }

    [Fact]
    public async Task Unknown_orchestrator_fails_the_instance()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(HelloTasks);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("NoSuchOrchestrator", cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("NoSuchOrchestrator", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retries_wait_durable_timers_growing_by_the_backoff_coefficient_on_the_virtual_clock()
    {
        await using var host = CreateHost(virtualClock: true);
        var attempts = 0;
        var policy = new RetryPolicy(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(10), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30));
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("Retrying", context => context.CallActivityAsync<string>("Flaky", null, TaskOptions.FromRetryPolicy(policy)))
            .AddActivityFunc<object?, string>("Flaky", (_, _) => Interlocked.Increment(ref attempts) < 5 ? throw new TimeoutException("try again") : "finally"));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", cancellation: Timeout);
        var result = await host.RunTimersUntilCompletedAsync(id, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("finally", result.ReadOutputAs<string>());
        var history = await host.Client.GetOrchestrationHistoryAsync(id, Timeout);
        Assert.Equal(5, history.OfType<TaskScheduledEvent>().Count());
        var delays = history.OfType<TimerCreatedEvent>().Select(t => t.FireAt - t.Timestamp).ToList();
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)], delays);
    }

    [Fact]
    public async Task Retries_stop_after_max_attempts_and_the_last_failure_surfaces()
    {
        await using var host = CreateHost(virtualClock: true);
        var attempts = 0;
        var policy = new RetryPolicy(3, TimeSpan.FromSeconds(1));
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("Retrying", context => context.CallActivityAsync<string>("AlwaysFails", null, TaskOptions.FromRetryPolicy(policy)))
            .AddActivityFunc<object?, string>("AlwaysFails", string (_, _) => throw new InvalidOperationException($"attempt {Interlocked.Increment(ref attempts)}")));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", cancellation: Timeout);
        var result = await host.RunTimersUntilCompletedAsync(id, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal("attempt 3", result.FailureDetails?.InnerFailure?.ErrorMessage);
        Assert.Equal(3, (await host.Client.GetOrchestrationHistoryAsync(id, Timeout)).OfType<TaskFailedEvent>().Count());
    }

    [Fact]
    public async Task Retry_timeout_stops_retries_once_elapsed_on_the_orchestration_clock()
    {
        await using var host = CreateHost(virtualClock: true);
        var policy = new RetryPolicy(10, TimeSpan.FromMinutes(1), backoffCoefficient: 1, retryTimeout: TimeSpan.FromMinutes(2.5));
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("Retrying", context => context.CallActivityAsync<string>("AlwaysFails", null, TaskOptions.FromRetryPolicy(policy)))
            .AddActivityFunc<object?, string>("AlwaysFails", string (_, _) => throw new InvalidOperationException("no")));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", cancellation: Timeout);
        var result = await host.RunTimersUntilCompletedAsync(id, Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);

        // Attempts at 0, 1, 2 and 3 minutes: after the failure at 3 minutes the timeout (2.5) has passed, so no fifth.
        Assert.Equal(4, (await host.Client.GetOrchestrationHistoryAsync(id, Timeout)).OfType<TaskScheduledEvent>().Count());
    }

    [Fact]
    public async Task Custom_retry_handler_decides_and_can_wait_its_own_timer()
    {
        await using var host = CreateHost(virtualClock: true);
        var attempts = 0;
        var options = TaskOptions.FromRetryHandler(async retry =>
        {
            if (retry.LastFailure.IsCausedBy<ArgumentException>() || retry.LastAttemptNumber >= 4)
            {
                return false;
            }

            await retry.OrchestrationContext.CreateTimer(TimeSpan.FromMinutes(retry.LastAttemptNumber), CancellationToken.None);
            return true;
        });
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<int>("Handled", context => context.CallActivityAsync<int>("FailsTwice", null, options))
            .AddActivityFunc<object?, int>("FailsTwice", (_, _) => Interlocked.Increment(ref attempts) <= 2 ? throw new TimeoutException("later") : attempts));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Handled", cancellation: Timeout);
        var result = await host.RunTimersUntilCompletedAsync(id, Timeout);

        Assert.Equal(3, result.ReadOutputAs<int>());
        var delays = (await host.Client.GetOrchestrationHistoryAsync(id, Timeout)).OfType<TimerCreatedEvent>().Select(t => t.FireAt - t.Timestamp);
        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)], delays);
    }

    [Fact]
    public async Task Timer_fires_at_its_time_and_current_time_is_the_episode_time()
    {
        await using var host = CreateHost(virtualClock: true);
        await host.StartWorkerAsync(r => r.AddOrchestratorFunc<string>("Sleeper", async context =>
        {
            var before = context.CurrentUtcDateTime;
            await context.CreateTimer(TimeSpan.FromHours(2), CancellationToken.None);
            return (context.CurrentUtcDateTime - before).ToString();
        }));
        var started = host.FakeClock.GetUtcNow();

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Sleeper", cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);
        var result = await host.RunTimersUntilCompletedAsync(id, Timeout);

        Assert.Equal(TimeSpan.FromHours(2).ToString(), result.ReadOutputAs<string>());
        Assert.Equal(started + TimeSpan.FromHours(2), host.FakeClock.GetUtcNow());
    }

    [Fact]
    public async Task Timer_longer_than_the_maximum_interval_is_chained()
    {
        await using var host = CreateHost(virtualClock: true);
        await host.StartWorkerAsync(
            r => r.AddOrchestratorFunc<bool>("LongSleeper", async context =>
            {
                await context.CreateTimer(TimeSpan.FromDays(7), CancellationToken.None);
                return true;
            }),
            new() { MaximumTimerInterval = TimeSpan.FromDays(3), MaxConcurrentActivityFunctions = 1, MaxConcurrentOrchestratorFunctions = 1 });

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("LongSleeper", cancellation: Timeout);
        await host.RunTimersUntilCompletedAsync(id, Timeout);

        var delays = (await host.Client.GetOrchestrationHistoryAsync(id, Timeout)).OfType<TimerCreatedEvent>().Select(t => t.FireAt - t.Timestamp);
        Assert.Equal([TimeSpan.FromDays(3), TimeSpan.FromDays(3), TimeSpan.FromDays(1)], delays);
    }

    private static void ApprovalTasks(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<string>("Approval", async context =>
        {
            var approval = await context.WaitForExternalEvent<Approval>("Approved");
            return $"approved by {approval.By}";
        })
        .AddOrchestratorFunc<string>("ApprovalWithTimeout", async context =>
        {
            try
            {
                var approval = await context.WaitForExternalEvent<Approval>("Approved", TimeSpan.FromHours(1));
                return $"approved by {approval.By}";
            }
            catch (TaskCanceledException)
            {
                return "timed out";
            }
        });

    private sealed record Approval(string By);

    [Fact]
    public async Task External_event_completes_a_waiting_orchestration()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(ApprovalTasks);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);
        await host.Client.RaiseEventAsync(id, "approved", new Approval("ada"), Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal("approved by ada", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task External_event_raised_before_the_wait_is_buffered()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => r.AddOrchestratorFunc<string>("Late", async context =>
        {
            await context.CallActivityAsync("Noop");
            var first = await context.WaitForExternalEvent<string>("E");
            var second = await context.WaitForExternalEvent<string>("E");
            return first + second;
        }).AddActivityFunc<object?, object?>("Noop", object? (_, _) => null));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Late", cancellation: Timeout);
        await host.Client.RaiseEventAsync(id, "E", "a", Timeout);
        await host.Client.RaiseEventAsync(id, "E", "b", Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal("ab", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task External_event_wait_with_timeout_gets_the_event_when_it_comes_first()
    {
        await using var host = CreateHost(virtualClock: true);
        await host.StartWorkerAsync(ApprovalTasks);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("ApprovalWithTimeout", cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);
        await host.Client.RaiseEventAsync(id, "Approved", new Approval("grace"), Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal("approved by grace", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task External_event_wait_times_out_on_the_virtual_clock()
    {
        await using var host = CreateHost(virtualClock: true);
        await host.StartWorkerAsync(ApprovalTasks);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("ApprovalWithTimeout", cancellation: Timeout);
        var result = await host.RunTimersUntilCompletedAsync(id, Timeout);

        Assert.Equal("timed out", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Sub_orchestration_returns_its_result_and_records_its_parent()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r =>
        {
            HelloTasks(r);
            r.AddOrchestratorFunc<string, List<string>>("Parent", (context, city) =>
                context.CallSubOrchestratorAsync<List<string>>("HelloSequence", new[] { city }, new SubOrchestrationOptions(instanceId: "child-of-" + context.InstanceId)));
        });

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", "Paris", new() { InstanceId = "parent-1" }, Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal(["Hello Paris!"], result.ReadOutputAs<List<string>>());
        var child = await host.Client.GetInstanceAsync("child-of-parent-1", cancellation: Timeout);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child?.RuntimeStatus);
        var created = (await host.Client.GetOrchestrationHistoryAsync(id, Timeout)).OfType<SubOrchestrationInstanceCreatedEvent>().Single();
        Assert.Equal("child-of-parent-1", created.InstanceId);
    }

    [Fact]
    public async Task Sub_orchestration_failure_propagates_to_the_parent_with_inner_details()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("Parent", async context =>
            {
                try
                {
                    await context.CallSubOrchestratorAsync("FailingChild");
                    return "no failure";
                }
                catch (TaskFailedException ex)
                {
                    return $"{ex.TaskName}: {ex.FailureDetails.ErrorType} <- {ex.FailureDetails.InnerFailure?.ErrorMessage}";
                }
            })
            .AddOrchestratorFunc("FailingChild", context => context.CallActivityAsync("Explode"))
            .AddActivityFunc<object?>("Explode", (_, _) => throw new InvalidOperationException("deep failure")));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal($"FailingChild: {typeof(TaskFailedException).FullName} <- deep failure", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Unhandled_sub_orchestration_failure_fails_the_parent()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc("Parent", context => context.CallSubOrchestratorAsync("FailingChild"))
            .AddOrchestratorFunc<object?>("FailingChild", _ => throw new InvalidOperationException("child broke")));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal("child broke", result.FailureDetails?.InnerFailure?.ErrorMessage);
    }

    [Fact]
    public async Task Sub_orchestration_is_retried_by_its_policy_with_a_new_child_each_attempt()
    {
        await using var host = CreateHost(virtualClock: true);
        var attempts = 0;
        var policy = new RetryPolicy(3, TimeSpan.FromMinutes(1));
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<int>("Parent", context => context.CallSubOrchestratorAsync<int>("Flaky", null, TaskOptions.FromRetryPolicy(policy)))
            .AddOrchestratorFunc<int>("Flaky", context =>
                Interlocked.Increment(ref attempts) < 3
                    ? throw new InvalidOperationException("child failed")
                    : Task.FromResult(attempts)));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", cancellation: Timeout);
        var result = await host.RunTimersUntilCompletedAsync(id, Timeout);

        Assert.Equal(3, result.ReadOutputAs<int>());
        var children = (await host.Client.GetOrchestrationHistoryAsync(id, Timeout)).OfType<SubOrchestrationInstanceCreatedEvent>().ToList();
        Assert.Equal(3, children.Select(c => c.InstanceId).Distinct().Count());
    }

    [Fact]
    public async Task Custom_status_is_visible_and_a_status_over_16_KB_is_an_error()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => r.AddOrchestratorFunc<string>("Status", async context =>
        {
            context.SetCustomStatus(new { step = 1 });
            try
            {
                context.SetCustomStatus(new string('x', 17 * 1024));
            }
            catch (ArgumentException)
            {
                await context.WaitForExternalEvent<object>("Go");
                return "rejected";
            }

            return "accepted";
        }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Status", cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);
        var running = await host.Backend.WaitForStateAsync(id, s => s.CustomStatus is not null, Timeout);
        await host.Client.RaiseEventAsync(id, "Go", null, Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal("{\"step\":1}", running?.CustomStatus);
        Assert.Equal("rejected", result.ReadOutputAs<string>());
        Assert.Equal("{\"step\":1}", result.SerializedCustomStatus);
    }

    [Fact]
    public async Task NewGuid_is_name_based_on_instance_id_episode_time_and_counter()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => r.AddOrchestratorFunc<Guid[]>("Guids", async context =>
        {
            var a = context.NewGuid();
            var b = context.NewGuid();
            await context.WaitForExternalEvent<object>("Go");
            return [a, b, context.NewGuid()];
        }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Guids", cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);
        await host.Client.RaiseEventAsync(id, "Go", null, Timeout);
        var firstRun = (await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout)).ReadOutputAs<Guid[]>();

        Assert.NotNull(firstRun);
        Assert.Equal(3, firstRun.Distinct().Count());
        var history = await host.Client.GetOrchestrationHistoryAsync(id, Timeout);
        var firstEpisode = history.OfType<OrchestratorStartedEvent>().First().Timestamp;
        Assert.Equal(DeterministicGuid.Create(DeterministicGuid.DurableTaskNamespace, $"{id}_{firstEpisode:o}_0"), firstRun[0]);
    }
}
