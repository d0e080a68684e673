using EeFunctions.Durable.Client;
using EeFunctions.Durable.History;
using EeFunctions.Durable.Worker;

namespace EeFunctions.Durable.Tests.Scenarios;

/// <summary>Dispatcher limits, orchestrator-to-orchestrator events and concurrency of starts.</summary>
public abstract partial class OrchestrationScenarios
{
    [Fact]
    public async Task Activity_concurrency_never_exceeds_the_configured_limit()
    {
        await using var host = CreateHost();
        var running = 0;
        var peak = 0;
        await host.StartWorkerAsync(
            r => r
                .AddOrchestratorFunc<int>("Wide", async context =>
                    (await Task.WhenAll(Enumerable.Range(0, 40).Select(i => context.CallActivityAsync<int>("Busy", i)))).Length)
                .AddActivityFunc<int, int>("Busy", async (_, i) =>
                {
                    var now = Interlocked.Increment(ref running);
                    InterlockedMax(ref peak, now);
                    await Task.Delay(2);
                    Interlocked.Decrement(ref running);
                    return i;
                }),
            new DurableTaskWorkerOptions { MaxConcurrentActivityFunctions = 3, MaxConcurrentOrchestratorFunctions = 1 });

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Wide", cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Equal(40, result.ReadOutputAs<int>());
        Assert.InRange(peak, 1, 3);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    [Fact]
    public async Task Two_workers_sharing_a_backend_take_turns_on_instances_and_all_results_are_right()
    {
        await using var host = CreateHost();
        void Tasks(DurableTaskRegistry r)
        {
            HelloTasks(r);
            r.AddOrchestratorFunc<int, long>("FanOut", async (context, count) =>
                (await Task.WhenAll(Enumerable.Range(1, count).Select(i => context.CallActivityAsync<long>("Square", i)))).Sum());
            r.AddActivityFunc<int, long>("Square", (_, i) => (long)i * i);
        }

        var options = new DurableTaskWorkerOptions { MaxConcurrentActivityFunctions = 4, MaxConcurrentOrchestratorFunctions = 2 };
        await host.StartWorkerAsync(Tasks, options);
        await host.StartWorkerAsync(Tasks, new DurableTaskWorkerOptions { MaxConcurrentActivityFunctions = 4, MaxConcurrentOrchestratorFunctions = 2 });

        var hellos = new List<string>();
        var fanOuts = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            hellos.Add(await host.Client.ScheduleNewOrchestrationInstanceAsync("HelloSequence", new[] { $"a{i}", $"b{i}", $"c{i}" }, cancellation: Timeout));
            if (i % 10 == 0)
            {
                fanOuts.Add(await host.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 50, cancellation: Timeout));
            }
        }

        for (var i = 0; i < hellos.Count; i++)
        {
            var result = await host.Client.WaitForInstanceCompletionAsync(hellos[i], getInputsAndOutputs: true, Timeout);
            Assert.Equal([$"Hello a{i}!", $"Hello b{i}!", $"Hello c{i}!"], result.ReadOutputAs<List<string>>());
        }

        foreach (var id in fanOuts)
        {
            var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);
            Assert.Equal(Enumerable.Range(1, 50).Sum(i => (long)i * i), result.ReadOutputAs<long>());
        }
    }

    [Fact]
    public async Task Orchestrator_can_send_an_event_to_another_instance()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r =>
        {
            ApprovalTasks(r);
            r.AddOrchestratorFunc<string, bool>("Approver", (context, target) =>
            {
                context.SendEvent(target, "Approved", new Approval("orchestrator"));
                return Task.FromResult(true);
            });
        });
        var waiting = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", cancellation: Timeout);
        await host.Client.WaitForInstanceStartAsync(waiting, cancellation: Timeout);

        var sender = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approver", waiting, cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(waiting, getInputsAndOutputs: true, Timeout);
        await host.Client.WaitForInstanceCompletionAsync(sender, cancellation: Timeout);

        Assert.Equal("approved by orchestrator", result.ReadOutputAs<string>());
        var sent = (await host.Client.GetOrchestrationHistoryAsync(sender, Timeout)).OfType<EventSentEvent>().Single();
        Assert.Equal(waiting, sent.InstanceId);
    }

    [Fact]
    public async Task Concurrent_starts_with_default_dedupe_start_one_execution_while_it_runs()
    {
        await using var host = CreateHost();
        var executions = 0;
        await host.StartWorkerAsync(r => r.AddOrchestratorFunc<string>("Singleton", async context =>
        {
            if (!context.IsReplaying)
            {
                Interlocked.Increment(ref executions);
            }

            return await context.WaitForExternalEvent<string>("Stop");
        }));
        var options = new StartOrchestrationOptions("singleton");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            try
            {
                await host.Client.ScheduleNewOrchestrationInstanceAsync("Singleton", options, Timeout);
                return (OrchestrationRuntimeStatus?)null;
            }
            catch (OrchestrationAlreadyExistsException ex)
            {
                return ex.ExistingStatus;
            }
        })));
        await host.Client.WaitForInstanceStartAsync("singleton", cancellation: Timeout);
        await host.Client.RaiseEventAsync("singleton", "Stop", "done", Timeout);
        await host.Client.WaitForInstanceCompletionAsync("singleton", cancellation: Timeout);

        Assert.Equal(1, outcomes.Count(o => o is null));
        Assert.All(outcomes.Where(o => o is not null), o => Assert.True(o is OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running));
        Assert.Equal(1, executions);
    }

    [Fact]
    public async Task Sub_orchestration_with_the_id_of_an_active_instance_fails_in_the_parent()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r =>
        {
            ApprovalTasks(r);
            r.AddOrchestratorFunc<string>("Parent", async context =>
            {
                try
                {
                    await context.CallSubOrchestratorAsync("Approval", null, new SubOrchestrationOptions(instanceId: "busy-child"));
                    return "started";
                }
                catch (TaskFailedException ex)
                {
                    return ex.FailureDetails.ErrorMessage;
                }
            });
        });
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", new StartOrchestrationOptions("busy-child"), Timeout);
        await host.Client.WaitForInstanceStartAsync("busy-child", cancellation: Timeout);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Timeout);

        Assert.Contains("'busy-child'", result.ReadOutputAs<string>(), StringComparison.Ordinal);
        Assert.Contains("already exists", result.ReadOutputAs<string>(), StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync("busy-child", cancellation: Timeout))?.RuntimeStatus);
    }

    [Fact]
    public async Task Async_void_failure_in_orchestrator_code_fails_the_instance_instead_of_the_worker()
    {
        await using var host = CreateHost();
        await host.StartWorkerAsync(r => r.AddOrchestratorFunc<string>("AsyncVoid", async context =>
        {
            FireAndForget();
            return await context.WaitForExternalEvent<string>("Never");
        }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("AsyncVoid", cancellation: Timeout);
        var result = await host.Client.WaitForInstanceCompletionAsync(id, cancellation: Timeout);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal("async void broke", result.FailureDetails?.ErrorMessage);
    }

#pragma warning disable VSTHRD100, CS1998 // Deliberately async void: the case under test.
    private static async void FireAndForget() => throw new InvalidOperationException("async void broke");
#pragma warning restore VSTHRD100, CS1998
}
