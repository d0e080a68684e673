using System.Collections.Concurrent;
using System.Diagnostics;
using EeFunctions.Durable.Backend;
using EeFunctions.Durable.Client;
using EeFunctions.Durable.History;
using EeFunctions.Durable.Tests.Support;
using EeFunctions.Durable.Worker;
using EeFunctions.Testing;

namespace EeFunctions.Durable.AzureStorage.Tests;

/// <summary>Several worker processes on one task hub; crashes of a worker (SIGKILL) and of the storage service (clean stop).</summary>
public sealed class MultiProcessTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int Orchestrations = 200;

    private static long Expected(int n) => Enumerable.Range(0, 10).Sum(k => ((n * 10L) + k) * 10L);

    [Fact]
    public async Task Three_workers_one_killed_mid_run_and_a_fourth_started_complete_every_orchestration_with_each_result_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var hub = TestBackends.NewHubName();
        var workers = new List<WorkerProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                workers.Add(await WorkerProcess.StartAsync(azurite.ConnectionString, hub, timeout.Token));
            }

            await using var client = new AzureStorageOrchestrationBackend(TestWorkerOptions(azurite.ConnectionString, hub));
            var durable = new BackendDurableTaskClient(client);
            var ids = new List<string>();
            for (var n = 0; n < Orchestrations; n++)
            {
                ids.Add(await durable.ScheduleNewOrchestrationInstanceAsync("TenActivities", n, new StartOrchestrationOptions($"mp-{n:D3}"), timeout.Token));
            }

            // Mid-run: some instances done, most not.
            while (await CountCompletedAsync(client, timeout.Token) < Orchestrations / 10)
            {
                await Task.Delay(200, timeout.Token);
            }

            workers[0].Kill();
            workers.Add(await WorkerProcess.StartAsync(azurite.ConnectionString, hub, timeout.Token));

            var results = new ConcurrentDictionary<string, OrchestrationState>();
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = timeout.Token }, async (id, ct) =>
                results[id] = (await client.WaitForStateAsync(id, s => s.RuntimeStatus.IsTerminal(), ct))!);

            for (var n = 0; n < Orchestrations; n++)
            {
                var state = results[ids[n]];
                Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
                Assert.Equal(Expected(n).ToString(System.Globalization.CultureInfo.InvariantCulture), state.Output);
            }

            // Each activity result exactly once in history (at-least-once execution, exactly-once recording).
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = timeout.Token }, async (id, ct) =>
            {
                var history = await client.GetHistoryAsync(id, ct);
                var completions = history.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId).ToList();
                Assert.Equal(10, completions.Count);
                Assert.Equal(10, completions.Distinct().Count());
                Assert.Equal(10, history.OfType<TaskScheduledEvent>().Count());
            });
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Storage_stopped_cleanly_for_ten_seconds_mid_run_and_restarted_loses_nothing()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(110));

        // A private Azurite: the outage must not hit the other tests.
        await using var storage = await AzuriteInstance.StartAsync(timeout.Token);
        var options = TestBackends.FastOptions(storage.ConnectionString);
        options.LeaseDuration = TimeSpan.FromSeconds(60);
        options.LeaseRenewInterval = TimeSpan.FromSeconds(20);
        await using var host = new TestHost(new AzureStorageOrchestrationBackend(options), TimeProvider.System);
        await host.StartWorkerAsync(
            r => r
                .AddOrchestratorFunc<int, long>("Steps", async (context, n) =>
                {
                    long sum = 0;
                    for (var k = 0; k < 5; k++)
                    {
                        sum += await context.CallActivityAsync<long>("Slow", (n * 10) + k);
                    }

                    return sum;
                })
                .AddActivityFunc<int, long>("Slow", async (_, x) =>
                {
                    await Task.Delay(100);
                    return x;
                }),
            new DurableTaskWorkerOptions { MaxConcurrentActivityFunctions = 8, MaxConcurrentOrchestratorFunctions = 4 });

        var ids = new List<string>();
        for (var n = 0; n < 20; n++)
        {
            ids.Add(await host.Client.ScheduleNewOrchestrationInstanceAsync("Steps", n, cancellation: timeout.Token));
        }

        while (await CountCompletedAsync(host.Backend, timeout.Token) < 2)
        {
            await Task.Delay(100, timeout.Token);
        }

        await storage.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(10), timeout.Token);
        await storage.RestartAsync(timeout.Token);

        for (var n = 0; n < ids.Count; n++)
        {
            var state = await host.Backend.WaitForStateAsync(ids[n], s => s.RuntimeStatus.IsTerminal(), timeout.Token);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, state?.RuntimeStatus);
            Assert.Equal(Enumerable.Range(0, 5).Sum(k => (n * 10L) + k).ToString(System.Globalization.CultureInfo.InvariantCulture), state?.Output);
            var history = await host.Backend.GetHistoryAsync(ids[n], timeout.Token);
            Assert.Equal(5, history.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId).Distinct().Count());
            Assert.Equal(5, history.OfType<TaskCompletedEvent>().Count());
        }
    }

    private static async Task<int> CountCompletedAsync(IOrchestrationBackend backend, CancellationToken cancellationToken) =>
        (await backend.QueryInstancesAsync(new InstanceQuery { Statuses = [OrchestrationRuntimeStatus.Completed], PageSize = 1000 }, cancellationToken)).Instances.Count;

    private static AzureStorageOrchestrationBackendOptions TestWorkerOptions(string connectionString, string hub) => new()
    {
        ConnectionString = connectionString,
        HubName = hub,
        PartitionCount = 4,
        MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>One process of the test worker (tests/EeFunctions.Durable.AzureStorage.TestWorker).</summary>
    private sealed class WorkerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<string> _output = new();

        private WorkerProcess(Process process)
        {
            _process = process;
        }

        public static async Task<WorkerProcess> StartAsync(string connectionString, string hub, CancellationToken cancellationToken)
        {
            var testDir = AppContext.BaseDirectory;
            var dll = Path.Combine(
                testDir.Replace("EeFunctions.Durable.AzureStorage.Tests", "EeFunctions.Durable.AzureStorage.TestWorker", StringComparison.Ordinal),
                "EeFunctions.Durable.AzureStorage.TestWorker.dll");
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException("Build tests/EeFunctions.Durable.AzureStorage.TestWorker first.", dll);
            }

            var info = new ProcessStartInfo("dotnet", [dll])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.Environment["EEF_CONNECTION_STRING"] = connectionString;
            info.Environment["EEF_HUB"] = hub;
            info.Environment["EEF_PARTITIONS"] = "4";
            var process = Process.Start(info) ?? throw new InvalidOperationException("The test worker did not start.");
            var worker = new WorkerProcess(process);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                worker._output.Enqueue(e.Data);
                if (e.Data == "ready")
                {
                    worker._ready.TrySetResult();
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    worker._output.Enqueue(e.Data);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return worker;
        }

        /// <summary>SIGKILL: no shutdown code runs; its leases and held messages must be recovered by the others.</summary>
        public void Kill() => _process.Kill(entireProcessTree: true);

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
