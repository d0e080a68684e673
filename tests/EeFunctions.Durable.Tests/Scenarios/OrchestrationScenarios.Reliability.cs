using EeFunctions.Durable.Backend;
using EeFunctions.Durable.History;
using EeFunctions.Durable.Tests.Support;
using Microsoft.Extensions.Logging;

namespace EeFunctions.Durable.Tests.Scenarios;

/// <summary>Replay, non-determinism, large payloads, duplicate and early messages, lost workers and shutdown.</summary>
public abstract partial class OrchestrationScenarios
{
    private static void StepTasks(DurableTaskRegistry registry, string firstActivity, List<string>? log = null, ILoggerFactory? loggers = null) => registry
        .AddOrchestratorFunc<string>("Steps", async context =>
        {
            var logger = context.CreateReplaySafeLogger("Steps");
            var first = await context.CallActivityAsync<string>(firstActivity);
#pragma warning disable CA1848, CA2254, CA1873 // A test logger; performance and templates do not matter here.
            logger.LogInformation($"after {first}");
#pragma warning restore CA1848, CA2254, CA1873
            log?.Add(context.IsReplaying ? "replaying" : "live");
            var go = await context.WaitForExternalEvent<string>("Go");
            var second = await context.CallActivityAsync<string>("B");
            return $"{first}+{go}+{second}";
        })
        .AddActivityFunc<object?, string>("A", (_, _) => "a")
        .AddActivityFunc<object?, string>("B", (_, _) => "b")
        .AddActivityFunc<object?, string>("C", (_, _) => "c");

    [Fact]
    public async Task Replay_on_a_new_worker_rebuilds_the_state_and_the_replay_safe_logger_stays_quiet()
    {
        await using var host = CreateHost();
        var lines = new ListLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(lines));
        var log = new List<string>();
        var first = await host.StartWorkerAsync(r => StepTasks(r, "A", log), loggerFactory: loggers);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Steps", cancellation: Timeout);
        await WaitForHistoryAsync(host, id, h => h.OfType<TaskCompletedEvent>().Any() && h[^1] is OrchestratorCompletedEvent);
        await first.DisposeAsync();

        await host.StartWorkerAsync(r => StepTasks(r, "A", log), loggerFactory: loggers);
        await host.Client.RaiseEventAsync(id, "Go", "go", Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal("a+go+b", result.ReadOutputAs<string>());
        Assert.Equal("live", log[0]);
        Assert.Equal("replaying", log[^1]);
        Assert.Single(lines.Messages, m => m == "after a");
    }

    [Fact]
    public async Task Replay_that_diverges_from_history_fails_the_instance_naming_the_expected_and_actual_call()
    {
        await using var host = CreateHost();
        var v1 = await host.StartWorkerAsync(r => StepTasks(r, "A"));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Steps", cancellation: Timeout);
        await WaitForHistoryAsync(host, id, h => h.OfType<TaskCompletedEvent>().Any() && h[^1] is OrchestratorCompletedEvent);
        await v1.DisposeAsync();

        // "Version 2" of the orchestrator calls C where history recorded A.
        await host.StartWorkerAsync(r => StepTasks(r, "C"));
        await host.Client.RaiseEventAsync(id, "Go", "go", Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, result.FailureDetails?.ErrorType);
        Assert.Contains("scheduled activity 'A' (#0)", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("scheduled activity 'C' (#0)", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_that_makes_a_call_history_does_not_have_fails_the_instance()
    {
        await using var host = CreateHost();
        var v1 = await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("Grows", context => context.WaitForExternalEvent<string>("Go"))
            .AddActivityFunc<object?, string>("Extra", (_, _) => "x"));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Grows", cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(id, cancellation: Timeout);
        await v1.DisposeAsync();

        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("Grows", async context =>
            {
                await context.CallActivityAsync<string>("Extra");
                return await context.WaitForExternalEvent<string>("Go");
            })
            .AddActivityFunc<object?, string>("Extra", (_, _) => "x"));
        await host.Client.RaiseEventAsync(id, "Go", "go", Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Contains("scheduled activity 'Extra' (#0)", result.FailureDetails?.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payloads_of_several_megabytes_round_trip_through_input_activity_and_output()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string, string>("Big", async (context, input) =>
            {
                var echoed = await context.CallActivityAsync<string>("Echo", input + input);
                return echoed + "!";
            })
            .AddActivityFunc<string, string>("Echo", (_, s) => s));
        var input = string.Concat(Enumerable.Range(0, 150_000).Select(i => $"{i:D6}-payload|"));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Big", input, cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.True(input.Length > 2_000_000);
        Assert.Equal(input + input + "!", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Duplicate_delivery_of_every_message_gives_the_same_results()
    {
        TimeProvider time = TimeProvider.System;
        await using var host = new TestHost(new DuplicatingBackend(CreateBackend(time)), time, ConfigureWorker);
        var squares = 0;
        await host.StartWorkerAsync(r =>
        {
            HelloTasks(r);
            ApprovalTasks(r);
            r.AddOrchestratorFunc<int, long>("FanOut", async (context, count) =>
                (await Task.WhenAll(Enumerable.Range(1, count).Select(i => context.CallActivityAsync<long>("Square", i)))).Sum());
            r.AddActivityFunc<int, long>("Square", (_, i) =>
            {
                Interlocked.Increment(ref squares);
                return (long)i * i;
            });
            r.AddOrchestratorFunc<string, List<string>>("Parent", (context, city) =>
                context.CallSubOrchestratorAsync<List<string>>("HelloSequence", new[] { city, city }));
        });

        var hello = await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new[] { "A", "B", "C" }, cancellation: Timeout);
        var fanOut = await host.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 100, cancellation: Timeout);
        var parent = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", "D", cancellation: Timeout);
        var approval = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", cancellation: Timeout);
        await host.Client.RaiseEventAsync(approval, "Approved", new Approval("dup"), Timeout);

        Assert.Equal(["Hello A!", "Hello B!", "Hello C!"], (await host.Client.WaitForInstanceCompletionAsync(hello, true, Timeout)).ReadOutputAs<List<string>>());
        Assert.Equal(Enumerable.Range(1, 100).Sum(i => (long)i * i), (await host.Client.WaitForInstanceCompletionAsync(fanOut, true, Timeout)).ReadOutputAs<long>());
        Assert.Equal(["Hello D!", "Hello D!"], (await host.Client.WaitForInstanceCompletionAsync(parent, true, Timeout)).ReadOutputAs<List<string>>());
        Assert.Equal("approved by dup", (await host.Client.WaitForInstanceCompletionAsync(approval, true, Timeout)).ReadOutputAs<string>());

        // Activities ran at least once each (duplicated work items run again); each task completed exactly once in history.
        Assert.True(squares >= 100);
        var fanOutHistory = await host.Client.GetOrchestrationHistoryAsync(fanOut, Timeout);
        Assert.Equal(100, fanOutHistory.OfType<TaskCompletedEvent>().Count());
        var approvalHistory = await host.Client.GetOrchestrationHistoryAsync(approval, Timeout);
        Assert.Single(approvalHistory.OfType<EventRaisedEvent>());
    }

    [Fact]
    public async Task Completion_that_arrives_before_its_scheduling_event_is_deferred_not_dropped()
    {
        await using var host = CreateHost(virtualClock: true);
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("EarlyBird", async context =>
            {
                await context.WaitForExternalEvent<string>("Go");
                return await context.CallActivityAsync<string>("Slow");
            })
            .AddActivityFunc<object?, string>("Slow", (_, _) => gate.Task));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("EarlyBird", cancellation: Timeout);
        var state = await host.Backend.WaitForStateAsync(id, s => s.RuntimeStatus == OrchestrationRuntimeStatus.Running, Timeout);

        // A result for task #0 before the orchestration has scheduled it (as when a queue outruns the history write).
        var early = TaskMessage.Create(id, state!.ExecutionId, new TaskCompletedEvent(DateTime.UtcNow, 0, "\"early\""));
        await host.Backend.SendMessageAsync(early, Timeout);
        await host.Client.RaiseEventAsync(id, "Go", "now", Timeout);
        await WaitForHistoryAsync(host, id, h => h.OfType<TaskScheduledEvent>().Any());
        host.FakeClock.Advance(TimeSpan.FromMinutes(1));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);
        gate.SetResult("late");

        Assert.Equal("early", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Activity_of_a_worker_that_died_mid_activity_runs_again_elsewhere()
    {
        await using var host = CreateHost(virtualClock: true);
        var deadWorkerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var neverReturns = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var oneSlot = new Worker.DurableTaskWorkerOptions { MaxConcurrentActivityFunctions = 1, MaxConcurrentOrchestratorFunctions = 1 };
        await host.StartWorkerAsync(
            r => r
                .AddOrchestratorFunc<string>("Once", context => context.CallActivityAsync<string>("Work"))
                .AddActivityFunc<object?, string>("Work", (_, _) =>
                {
                    deadWorkerStarted.TrySetResult();
                    return neverReturns.Task;
                }),
            oneSlot);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Once", cancellation: Timeout);
        await deadWorkerStarted.Task.WaitAsync(Timeout);

        await host.StartWorkerAsync(
            r => r
                .AddOrchestratorFunc<string>("Once", context => context.CallActivityAsync<string>("Work"))
                .AddActivityFunc<object?, string>("Work", (_, _) => "second worker"),
            oneSlot);
        host.FakeClock.Advance(TimeSpan.FromMinutes(10));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);
        neverReturns.SetResult("first worker, too late");

        Assert.Equal("second worker", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Stopping_with_an_expired_token_releases_running_activities_for_redelivery()
    {
        await using var host = CreateHost();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("Once", context => context.CallActivityAsync<string>("Work"))
            .AddActivityFunc<object?, string>("Work", async (context, _) =>
            {
                started.TrySetResult();
                await Task.Delay(System.Threading.Timeout.Infinite, context.CancellationToken);
                return "first worker";
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Once", cancellation: Timeout);
        await started.Task.WaitAsync(Timeout);

        await first.StopAsync(new CancellationToken(canceled: true));
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("Once", context => context.CallActivityAsync<string>("Work"))
            .AddActivityFunc<object?, string>("Work", (_, _) => "second worker"));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal("second worker", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Graceful_stop_lets_an_in_flight_activity_finish()
    {
        await using var host = CreateHost();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var executions = 0;
        var first = await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("Once", context => context.CallActivityAsync<string>("Work"))
            .AddActivityFunc<object?, string>("Work", (_, _) =>
            {
                Interlocked.Increment(ref executions);
                started.TrySetResult();
                return gate.Task;
            }));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Once", cancellation: Timeout);
        await started.Task.WaitAsync(Timeout);

        var stopping = first.StopAsync(Timeout);
        Assert.False(stopping.IsCompleted);
        gate.SetResult("finished during shutdown");
        await stopping;
        await host.StartWorkerAsync(r => r
            .AddOrchestratorFunc<string>("Once", context => context.CallActivityAsync<string>("Work"))
            .AddActivityFunc<object?, string>("Work", (_, _) => "should not run"));
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal("finished during shutdown", result.ReadOutputAs<string>());
        Assert.Equal(1, executions);
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (category == "Steps")
                {
                    lock (owner._messages)
                    {
                        owner._messages.Add(formatter(state, exception));
                    }
                }
            }
        }
    }
}
