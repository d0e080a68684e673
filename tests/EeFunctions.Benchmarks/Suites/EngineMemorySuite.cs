using System.Diagnostics;
using EeFunctions.Durable;
using EeFunctions.Durable.Client;
using EeFunctions.Durable.InMemory;
using EeFunctions.Durable.Worker;

namespace EeFunctions.Benchmarks.Suites;

/// <summary>
/// The durable engine on the in-memory backend: many small orchestrations (hello sequence of 3 activities) and one large
/// fan-out/fan-in (1,000 and 10,000 no-op activities whose inputs and outputs are still JSON-serialized).
/// </summary>
internal sealed class EngineMemorySuite : IBenchmarkSuite
{
    private const int HelloCount = 10_000;

    public string Name => "engine-memory";

    public string Description => "durable engine, in-memory backend: hello sequences/s and fan-out 1k/10k wall time [--orchestrators N] [--activities N]";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        using var backend = new InMemoryOrchestrationBackend();
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

                var results = await Task.WhenAll(tasks);
                return results.Length;
            })
            .AddActivityFunc<int, int>("Noop", (_, i) => i);
        var options = new DurableTaskWorkerOptions
        {
            MaxConcurrentActivityFunctions = IntArgument(context, "--activities", 2 * Environment.ProcessorCount),
            MaxConcurrentOrchestratorFunctions = IntArgument(context, "--orchestrators", 2 * Environment.ProcessorCount),
        };
        var worker = new DurableTaskWorker(backend, registry, options);
        await worker.StartAsync(cancellationToken);
        var client = new BackendDurableTaskClient(backend);
        try
        {
            // Warm-up: JIT and pools.
            await RunHellosAsync(client, 500, cancellationToken);
            await RunFanOutAsync(client, 1_000, cancellationToken);

            var helloSeconds = await RunHellosAsync(client, HelloCount, cancellationToken);
            await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(), cancellationToken);
            var fanout1k = Median(await RepeatAsync(() => RunFanOutAsync(client, 1_000, cancellationToken), 9));
            var fanout10k = Median(await RepeatAsync(() => RunFanOutAsync(client, 10_000, cancellationToken), 5));

            var orchestrationsPerSec = HelloCount / helloSeconds;
            var activitiesPerSec = 10_000 / fanout10k;
            var overheadMicros = 1e6 / activitiesPerSec;
            var ratio = fanout10k / fanout1k;
            context.WriteTable(
                ["measure", "value", "goal"],
                [
                    ["hello sequences (3 activities) / s", BenchmarkContext.Format(orchestrationsPerSec, 0), ""],
                    ["fan-out 1,000 wall time (s)", BenchmarkContext.Format(fanout1k, 3), ""],
                    ["fan-out 10,000 wall time (s)", BenchmarkContext.Format(fanout10k, 3), ""],
                    ["fan-out ratio t(10k)/t(1k)", BenchmarkContext.Format(ratio, 2), "<= 12"],
                    ["activities / s (fan-out 10k)", BenchmarkContext.Format(activitiesPerSec, 0), ">= 50,000"],
                    ["overhead per activity (us)", BenchmarkContext.Format(overheadMicros, 1), "<= 20"],
                ]);
            context.WriteJson(new Dictionary<string, object>
            {
                ["orchestrationsPerSec"] = Math.Round(orchestrationsPerSec, 1),
                ["fanout1kSec"] = Math.Round(fanout1k, 4),
                ["fanout10kSec"] = Math.Round(fanout10k, 4),
                ["fanoutRatio"] = Math.Round(ratio, 2),
                ["activitiesPerSec"] = Math.Round(activitiesPerSec, 0),
                ["overheadMicros"] = Math.Round(overheadMicros, 2),
            });
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Reads <c>--name value</c> from the suite's arguments.</summary>
    private static int IntArgument(BenchmarkContext context, string name, int fallback)
    {
        var index = context.Arguments.ToList().IndexOf(name);
        return index >= 0 && index + 1 < context.Arguments.Count && int.TryParse(context.Arguments[index + 1], out var value) ? value : fallback;
    }

    private static async Task<double> RunHellosAsync(DurableTaskClient client, int count, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = await client.ScheduleNewOrchestrationInstanceAsync("Hello", "city" + i, cancellation: cancellationToken);
        }

        foreach (var id in ids)
        {
            var result = await client.WaitForInstanceCompletionAsync(id, cancellation: cancellationToken);
            if (result.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                throw new InvalidOperationException($"Hello {id} ended {result.RuntimeStatus}: {result.FailureDetails}");
            }
        }

        return stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<double> RunFanOutAsync(DurableTaskClient client, int count, CancellationToken cancellationToken)
    {
        // Start each run from the same heap state, so one run does not pay for the previous one's garbage.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var stopwatch = Stopwatch.StartNew();
        var id = await client.ScheduleNewOrchestrationInstanceAsync("FanOut", count, cancellation: cancellationToken);
        var result = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cancellationToken);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        if (result.RuntimeStatus != OrchestrationRuntimeStatus.Completed || result.ReadOutputAs<int>() != count)
        {
            throw new InvalidOperationException($"Fan-out of {count} ended {result.RuntimeStatus}: {result.FailureDetails}");
        }

        await client.PurgeInstanceAsync(id, cancellationToken);
        return seconds;
    }

    private static async Task<List<double>> RepeatAsync(Func<Task<double>> run, int times)
    {
        var results = new List<double>();
        for (var i = 0; i < times; i++)
        {
            results.Add(await run());
        }

        return results;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
