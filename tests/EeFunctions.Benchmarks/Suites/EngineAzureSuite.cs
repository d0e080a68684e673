using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using EeFunctions.Durable;
using EeFunctions.Durable.AzureStorage;
using EeFunctions.Durable.Backend;
using EeFunctions.Durable.Client;
using EeFunctions.Durable.Worker;
using EeFunctions.Storage.Queues;
using EeFunctions.Testing;

namespace EeFunctions.Benchmarks.Suites;

/// <summary>
/// The durable engine on the Azure Storage backend, against a private Azurite started here: hello sequences (3 activities)
/// per second, one fan-out/fan-in of 1,000 activities, and — in the same run, on the same Azurite — the raw queue ceiling
/// (send + receive + delete round trips/s, 16 concurrent). Storage requests are counted by a pipeline policy.
/// <c>efficiency</c> = activitiesPerSec ÷ (raw round trips/s ÷ 2): each activity needs two queue messages (schedule, result).
/// Also the p50 latency from a start request to Running on a hub that was idle for 30 s.
/// </summary>
internal sealed class EngineAzureSuite : IBenchmarkSuite
{
    private const int HelloCount = 200;
    private const int FanOutCount = 1_000;

    public string Name => "engine-azure";

    public string Description => "durable engine, Azure Storage backend on Azurite: hello sequences/s, fan-out 1k, storage ops/activity, efficiency vs raw queue, idle start latency";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        await using var azurite = await AzuriteInstance.StartAsync(cancellationToken);
        var cs = azurite.ConnectionString;
        context.Output.WriteLine($"Azurite on ports {azurite.BlobPort}/{azurite.QueuePort}/{azurite.TablePort}; {Environment.ProcessorCount} cores");

        var raw = await RawQueueRoundTripsAsync(cs, TimeSpan.FromSeconds(5), cancellationToken);
        context.Output.WriteLine($"raw queue round trips (16 concurrent): {BenchmarkContext.Format(raw)}/s");

        var counter = new RequestCounter();
        var options = new AzureStorageOrchestrationBackendOptions { ConnectionString = cs, HubName = "bench" };
        options.PipelinePolicies.Add(counter);
        await using var backend = new AzureStorageOrchestrationBackend(options);
        var registry = new DurableTaskRegistry()
            .AddOrchestratorFunc<string, string[]>("Hello", async (ctx, name) =>
            [
                await ctx.CallActivityAsync<string>("SayHello", name + "-1"),
                await ctx.CallActivityAsync<string>("SayHello", name + "-2"),
                await ctx.CallActivityAsync<string>("SayHello", name + "-3"),
            ])
            .AddActivityFunc<string, string>("SayHello", (_, name) => "Hello " + name)
            .AddOrchestratorFunc<int, int>("FanOut", async (ctx, count) =>
            {
                var tasks = new Task<int>[count];
                for (var i = 0; i < count; i++)
                {
                    tasks[i] = ctx.CallActivityAsync<int>("Noop", i);
                }

                return (await Task.WhenAll(tasks)).Length;
            })
            .AddActivityFunc<int, int>("Noop", (_, i) => i);
        await using var worker = new DurableTaskWorker(backend, registry, new DurableTaskWorkerOptions
        {
            MaxConcurrentActivityFunctions = 32,
            MaxConcurrentOrchestratorFunctions = 16,
        });
        await worker.StartAsync(cancellationToken);
        var client = new BackendDurableTaskClient(backend);

        // Warm-up: JIT, pools, lease acquisition.
        await RunHellosAsync(client, 20, cancellationToken);

        var helloSeconds = await RunHellosAsync(client, HelloCount, cancellationToken);
        var orchestrationsPerSec = HelloCount / helloSeconds;

        var before = counter.Count;
        var fanStopwatch = Stopwatch.StartNew();
        var fanId = await client.ScheduleNewOrchestrationInstanceAsync("FanOut", FanOutCount, cancellation: cancellationToken);
        var fan = await client.WaitForInstanceCompletionAsync(fanId, getInputsAndOutputs: true, cancellationToken);
        var fanout1kSec = fanStopwatch.Elapsed.TotalSeconds;
        var opsPerActivity = (counter.Count - before) / (double)FanOutCount;
        if (fan.RuntimeStatus != OrchestrationRuntimeStatus.Completed || fan.ReadOutputAs<int>() != FanOutCount)
        {
            throw new InvalidOperationException($"The fan-out ended {fan.RuntimeStatus}: {fan.SerializedOutput}");
        }

        var activitiesPerSec = FanOutCount / fanout1kSec;
        var efficiency = activitiesPerSec / (raw / 2);

        // Start latency on an idle hub: pollers have backed off to their longest pause; a local start cuts it short.
        context.Output.WriteLine("idle for 30 s before the start-latency samples ...");
        await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
        var latencies = new List<double>();
        for (var i = 0; i < 11; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            var id = await client.ScheduleNewOrchestrationInstanceAsync("Hello", "latency", cancellation: cancellationToken);
            await backend.WaitForStateAsync(id, s => s.RuntimeStatus != OrchestrationRuntimeStatus.Pending, cancellationToken);
            latencies.Add(stopwatch.Elapsed.TotalMilliseconds);
            await client.WaitForInstanceCompletionAsync(id, cancellation: cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }

        latencies.Sort();
        var startLatencyP50 = latencies[latencies.Count / 2];

        context.WriteTable(
            ["figure", "value"],
            [
                ["hello sequences (3 activities), orchestrations/s", BenchmarkContext.Format(orchestrationsPerSec)],
                ["fan-out 1,000 wall time, s", BenchmarkContext.Format(fanout1kSec, 2)],
                ["fan-out activities/s", BenchmarkContext.Format(activitiesPerSec)],
                ["raw queue round trips/s (16 concurrent)", BenchmarkContext.Format(raw)],
                ["storage operations per activity (fan-out)", BenchmarkContext.Format(opsPerActivity, 2)],
                ["efficiency = activities/s ÷ (raw/2) (goal ≥ 0.5)", BenchmarkContext.Format(efficiency, 2)],
                ["start → Running p50 after 30 s idle, ms (goal ≤ 100)", BenchmarkContext.Format(startLatencyP50)],
            ]);
        context.WriteJson(new Dictionary<string, object>
        {
            ["orchestrationsPerSec"] = Math.Round(orchestrationsPerSec, 1),
            ["activitiesPerSec"] = Math.Round(activitiesPerSec, 1),
            ["fanout1kSec"] = Math.Round(fanout1kSec, 2),
            ["rawQueueRoundTripsPerSec"] = Math.Round(raw, 1),
            ["storageOpsPerActivity"] = Math.Round(opsPerActivity, 2),
            ["efficiency"] = Math.Round(efficiency, 2),
            ["startLatencyP50Ms"] = Math.Round(startLatencyP50, 1),
        });
    }

    private static async Task<double> RunHellosAsync(BackendDurableTaskClient client, int count, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(i => client.ScheduleNewOrchestrationInstanceAsync("Hello", $"city{i}", cancellation: cancellationToken)));
        foreach (var id in ids)
        {
            var result = await client.WaitForInstanceCompletionAsync(id, cancellation: cancellationToken);
            if (result.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                throw new InvalidOperationException($"Hello {id} ended {result.RuntimeStatus}.");
            }
        }

        return stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Send + receive + delete of one message per round trip, 16 workers on one queue, after a 1 s warm-up.</summary>
    private static async Task<double> RawQueueRoundTripsAsync(string connectionString, TimeSpan window, CancellationToken cancellationToken)
    {
        var queue = new QueueClient(connectionString, "bench-raw");
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        long count = 0;
        var measuring = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await queue.SendMessageAsync("x", CancellationToken.None);
                while (true)
                {
                    var received = (await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30), CancellationToken.None)).Value;
                    if (received.Length == 1)
                    {
                        await queue.DeleteMessageAsync(received[0].MessageId, received[0].PopReceipt, CancellationToken.None);
                        break;
                    }
                }

                if (Volatile.Read(ref measuring))
                {
                    Interlocked.Increment(ref count);
                }
            }
        }, CancellationToken.None)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        Volatile.Write(ref measuring, true);
        var stopwatch = Stopwatch.StartNew();
        await Task.Delay(window, cancellationToken);
        var measured = Interlocked.Read(ref count);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        return measured / elapsed;
    }

    /// <summary>Counts every storage request the backend sends (retries included).</summary>
    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
