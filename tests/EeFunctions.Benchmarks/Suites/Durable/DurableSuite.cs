using System.Diagnostics;
using DurableTask.AzureStorage;
using DurableTask.Core;
using EeFunctions.DurableTask;
using EeFunctions.DurableTask.TestWorker;
using EeFunctions.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EeFunctions.Benchmarks.Suites.Durable;

/// <summary>
/// The Durable Task SDK on DTFx's Azure Storage provider through our adapters, against raw DTFx on the same settings,
/// on a fresh Azurite: hello chains, a fan-out of 1,000, slot efficiency of three worker processes, and start latency.
/// </summary>
internal sealed class DurableSuite : IBenchmarkSuite
{
    private const int HelloCount = 100;
    private const int FanOut = 1000;
    private const int Rounds = 3;

    public string Name => "durable";

    public string Description => "SDK + adapters vs raw DTFx on Azurite: hello chains, fan-out 1k, slot efficiency of 3 workers, start latency";

    /// <summary>Our host.json's settings (the adopted defaults), for ours and raw alike.</summary>
    private static DurableTaskExtensionOptions Options(string hub, bool extendedSessions = false) => new()
    {
        HubName = hub,
        ExtendedSessionsEnabled = extendedSessions,
        MaxConcurrentActivityFunctions = 20,
        MaxConcurrentOrchestratorFunctions = 20,
        StorageProvider = new DurableStorageProviderOptions { PartitionCount = 4, MaxQueuePollingInterval = TimeSpan.FromSeconds(5) },
    };

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var azurite = await AzuriteInstance.StartAsync(cancellationToken);

        // `-- durable --slots-only [--table-partitions false] [--extended-sessions true|false]`: the slot run alone, e.g. to
        // compare the partition managers or extended sessions.
        var tablePartitions = !context.Arguments.SkipWhile(a => a != "--table-partitions").Skip(1).Take(1).Contains("false");
        var extendedArgument = context.Arguments.SkipWhile(a => a != "--extended-sessions").Skip(1).Take(1).ToList();
        bool? extendedSessions = extendedArgument.Count == 0 ? null : extendedArgument[0] == "true";
        if (context.Arguments.Contains("--slots-only"))
        {
            var (wall, efficiency) = await SlotEfficiencyAsync(azurite.ConnectionString, context, tablePartitions, cancellationToken, extendedSessions);
            context.Output.WriteLine($"200 x 10 one-second activities on 3 workers x 20 slots, {(tablePartitions ? "table" : "blob-lease")} partition manager, extended sessions {extendedSessions?.ToString() ?? "as host.json"}: {wall:F1} s, slotEfficiency {efficiency:F2} (goal >= 0.5)");
            context.WriteJson(new Dictionary<string, object> { ["slotWallSec"] = Math.Round(wall, 1), ["slotEfficiency"] = Math.Round(efficiency, 3), ["tablePartitionManagement"] = tablePartitions, ["extendedSessions"] = extendedSessions?.ToString() ?? "host.json" });
            return;
        }

        context.Output.WriteLine($"fresh Azurite on {azurite.BlobPort}-{azurite.TablePort}; {Environment.ProcessorCount} cores; settings: 20 activity / 20 orchestrator slots, 4 partitions, polling <= 5 s, no extended sessions");

        var rows = new List<IReadOnlyList<string>>();
        var ours = new List<(double Hello, double Fan)>();
        var raw = new List<(double Hello, double Fan)>();
        for (var round = 0; round < Rounds; round++)
        {
            ours.Add(await OursAsync(azurite.ConnectionString, cancellationToken));
            raw.Add(await RawAsync(azurite.ConnectionString, cancellationToken));
            rows.Add([$"round {round + 1}", BenchmarkContext.Format(ours[^1].Hello), BenchmarkContext.Format(raw[^1].Hello), BenchmarkContext.Format(ours[^1].Fan, 2), BenchmarkContext.Format(raw[^1].Fan, 2)]);
            context.Output.WriteLine($"round {round + 1}: ours {ours[^1].Hello:F1} orch/s, fan-out {ours[^1].Fan:F2} s; raw {raw[^1].Hello:F1} orch/s, fan-out {raw[^1].Fan:F2} s");
        }

        var orchestrationsPerSec = Median(ours.Select(o => o.Hello));
        var rawOrchestrationsPerSec = Median(raw.Select(o => o.Hello));
        var fanout1kSec = Median(ours.Select(o => o.Fan));
        var rawFanout1kSec = Median(raw.Select(o => o.Fan));
        var activitiesPerSec = FanOut / fanout1kSec;
        var rawActivitiesPerSec = FanOut / rawFanout1kSec;
        var shimEfficiency = Math.Min(orchestrationsPerSec / rawOrchestrationsPerSec, activitiesPerSec / rawActivitiesPerSec);

        // One candidate setting against the adopted ones: extended sessions (no history replay between episodes).
        var extended = await OursAsync(azurite.ConnectionString, cancellationToken, extendedSessions: true);
        context.Output.WriteLine($"ours with extendedSessionsEnabled: {extended.Hello:F1} orch/s, fan-out {extended.Fan:F2} s (adopted settings: {Median(ours.Select(o => o.Hello)):F1} orch/s, {Median(ours.Select(o => o.Fan)):F2} s)");

        var (slotWall, slotEfficiency) = await SlotEfficiencyAsync(azurite.ConnectionString, context, tablePartitions, cancellationToken);
        var startLatencyP50Ms = await StartLatencyAsync(azurite.ConnectionString, cancellationToken);

        rows.Add(["median", BenchmarkContext.Format(orchestrationsPerSec), BenchmarkContext.Format(rawOrchestrationsPerSec), BenchmarkContext.Format(fanout1kSec, 2), BenchmarkContext.Format(rawFanout1kSec, 2)]);
        context.WriteTable(["run", "ours orch/s", "raw orch/s", "ours fan-out 1k s", "raw fan-out 1k s"], rows);
        context.Output.WriteLine($"activities/s ours {activitiesPerSec:F1} raw {rawActivitiesPerSec:F1}; shimEfficiency {shimEfficiency:F2} (goal >= 0.9)");
        context.Output.WriteLine($"200 x 10 one-second activities on 3 workers x 20 slots: {slotWall:F1} s, slotEfficiency {slotEfficiency:F2} (goal >= 0.5)");
        context.Output.WriteLine($"start -> Running on a hub idle for 30 s: p50 {startLatencyP50Ms:F0} ms");
        context.WriteJson(new Dictionary<string, object>
        {
            ["orchestrationsPerSec"] = Math.Round(orchestrationsPerSec, 2),
            ["activitiesPerSec"] = Math.Round(activitiesPerSec, 2),
            ["fanout1kSec"] = Math.Round(fanout1kSec, 3),
            ["slotEfficiency"] = Math.Round(slotEfficiency, 3),
            ["rawOrchestrationsPerSec"] = Math.Round(rawOrchestrationsPerSec, 2),
            ["rawActivitiesPerSec"] = Math.Round(rawActivitiesPerSec, 2),
            ["shimEfficiency"] = Math.Round(shimEfficiency, 3),
            ["startLatencyP50Ms"] = Math.Round(startLatencyP50Ms, 1),
            ["extendedSessionsOrchestrationsPerSec"] = Math.Round(extended.Hello, 2),
            ["extendedSessionsFanout1kSec"] = Math.Round(extended.Fan, 3),
        });
    }

    private static async Task<(double Hello, double Fan)> OursAsync(string connection, CancellationToken cancellationToken, bool extendedSessions = false)
    {
        using var host = await StartOursAsync(connection, NewHub(), cancellationToken, extendedSessions: extendedSessions);
        var client = host.Services.GetRequiredService<DurableTaskClient>();

        var watch = Stopwatch.StartNew();
        var ids = await Task.WhenAll(Enumerable.Range(0, HelloCount).Select(i => client.ScheduleNewOrchestrationInstanceAsync("Hello3", $"n{i}", cancellationToken)));
        await Task.WhenAll(ids.Select(id => client.WaitForInstanceCompletionAsync(id, cancellationToken)));
        var hello = HelloCount / watch.Elapsed.TotalSeconds;

        watch.Restart();
        var fan = await client.ScheduleNewOrchestrationInstanceAsync("FanOut", new FanOutInput(FanOut, "Echo"), cancellationToken);
        var done = await client.WaitForInstanceCompletionAsync(fan, getInputsAndOutputs: true, cancellationToken);
        var fanSec = watch.Elapsed.TotalSeconds;
        Check(done.ReadOutputAs<long>() == (long)FanOut * (FanOut - 1) / 2, "ours fan-out result");
        await host.StopAsync(cancellationToken);
        return (hello, fanSec);
    }

    private static async Task<(double Hello, double Fan)> RawAsync(string connection, CancellationToken cancellationToken)
    {
        var settings = AzureStorageTaskHub.Settings(Options(NewHub()), new StorageAccountClientProvider(connection), NullLoggerFactory.Instance);
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync();
        var worker = new TaskHubWorker(service, NullLoggerFactory.Instance);
        worker.AddTaskOrchestrations(typeof(RawHello3), typeof(RawFanOut)).AddTaskActivities(typeof(RawEcho));
        await worker.StartAsync();
        var client = new TaskHubClient(service, loggerFactory: NullLoggerFactory.Instance);
        try
        {
            var watch = Stopwatch.StartNew();
            var instances = await Task.WhenAll(Enumerable.Range(0, HelloCount).Select(i => client.CreateOrchestrationInstanceAsync(typeof(RawHello3), $"n{i}")));
            await Task.WhenAll(instances.Select(i => client.WaitForOrchestrationAsync(i, TimeSpan.FromMinutes(5), cancellationToken)));
            var hello = HelloCount / watch.Elapsed.TotalSeconds;

            watch.Restart();
            var fan = await client.CreateOrchestrationInstanceAsync(typeof(RawFanOut), FanOut);
            var state = await client.WaitForOrchestrationAsync(fan, TimeSpan.FromMinutes(5), cancellationToken);
            var fanSec = watch.Elapsed.TotalSeconds;
            Check(state?.OrchestrationStatus == OrchestrationStatus.Completed, "raw fan-out status");
            return (hello, fanSec);
        }
        finally
        {
            await worker.StopAsync(isForced: true);
            service.Dispose();
        }
    }

    /// <summary>200 orchestrations × 10 one-second activities on three worker processes: (activity-seconds ÷ slots) ÷ wall time.</summary>
    private static async Task<(double Wall, double Efficiency)> SlotEfficiencyAsync(string connection, BenchmarkContext context, bool tablePartitions, CancellationToken cancellationToken, bool? extendedSessions = null)
    {
        const int orchestrations = 200, activities = 10, workers = 3, slots = 20;
        var hub = NewHub();
        var settings = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = connection,
            [Key("hubName")] = hub,
            [Key("maxConcurrentActivityFunctions")] = slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [Key("maxConcurrentOrchestratorFunctions")] = slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [Key("storageProvider:partitionCount")] = "4",
            [Key("storageProvider:maxQueuePollingInterval")] = "00:00:05",
            [Key("storageProvider:useTablePartitionManagement")] = tablePartitions ? "true" : "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (extendedSessions is { } extended)
        {
            settings[Key("extendedSessionsEnabled")] = extended ? "true" : "false";
        }

        using var client = await StartOursAsync(connection, hub, cancellationToken, worker: false);
        var durable = client.Services.GetRequiredService<DurableTaskClient>();
        var processes = new List<Process>();
        try
        {
            for (var i = 0; i < workers; i++)
            {
                processes.Add(StartWorker(settings));
            }

            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            var watch = Stopwatch.StartNew();
            var ids = await Task.WhenAll(Enumerable.Range(0, orchestrations).Select(i => durable.ScheduleNewOrchestrationInstanceAsync("FanOut", new FanOutInput(activities, "SlowEcho"), cancellationToken)));
            using var cap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cap.CancelAfter(TimeSpan.FromMinutes(8));
            await Task.WhenAll(ids.Select(id => durable.WaitForInstanceCompletionAsync(id, cap.Token)));
            var wall = watch.Elapsed.TotalSeconds;
            return (wall, orchestrations * activities / (double)(workers * slots) / wall);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            context.Output.WriteLine("slot run did not finish within 8 minutes");
            return (480, orchestrations * activities / (double)(workers * slots) / 480);
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                }

                p.Dispose();
            }
        }
    }

    /// <summary>p50 over five starts, each on a hub no message has touched for 30 s.</summary>
    private static async Task<double> StartLatencyAsync(string connection, CancellationToken cancellationToken)
    {
        using var host = await StartOursAsync(connection, NewHub(), cancellationToken);
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var samples = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            var watch = Stopwatch.StartNew();
            var id = await client.ScheduleNewOrchestrationInstanceAsync("Hello3", "idle", cancellationToken);
            while ((await client.GetInstanceAsync(id, cancellationToken))?.RuntimeStatus is null or OrchestrationRuntimeStatus.Pending)
            {
                await Task.Delay(10, cancellationToken);
            }

            samples.Add(watch.Elapsed.TotalMilliseconds);
            await client.WaitForInstanceCompletionAsync(id, cancellationToken);
        }

        return Median(samples);
    }

    private static async Task<IHost> StartOursAsync(string connection, string hub, CancellationToken cancellationToken, bool worker = true, bool extendedSessions = false)
    {
        var builder = Host.CreateApplicationBuilder();
        var o = Options(hub, extendedSessions);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [Key("hubName")] = o.HubName,
            [Key("maxConcurrentActivityFunctions")] = o.MaxConcurrentActivityFunctions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [Key("maxConcurrentOrchestratorFunctions")] = o.MaxConcurrentOrchestratorFunctions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [Key("storageProvider:partitionCount")] = o.StorageProvider.PartitionCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [Key("storageProvider:maxQueuePollingInterval")] = o.StorageProvider.MaxQueuePollingInterval.ToString(),
            [Key("extendedSessionsEnabled")] = o.ExtendedSessionsEnabled ? "true" : "false",
        });
        builder.Logging.ClearProviders();
        if (worker)
        {
            builder.Services.AddDurableTaskOnAzureStorage(builder.Configuration, _ => new StorageAccountClientProvider(connection));
            builder.Services.AddSingleton<IDurableTaskContributor, TestWorkerTasks>();
        }
        else
        {
            builder.Services.AddDurableTaskClientOnAzureStorage(builder.Configuration, _ => new StorageAccountClientProvider(connection));
        }

        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        await host.Services.GetRequiredService<TaskHubStartup>().WaitUntilReadyAsync(cancellationToken);
        return host;
    }

    private static Process StartWorker(IReadOnlyDictionary<string, string> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "EeFunctions.DurableTask.TestWorker.dll");
        var info = new ProcessStartInfo("dotnet", [dll]) { UseShellExecute = false, RedirectStandardOutput = false, RedirectStandardError = false };
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("the worker did not start");
    }

    private static string Key(string name) => DurableTaskExtensionOptions.SectionName + ":" + name;

    private static string NewHub() => "Bench" + Guid.NewGuid().ToString("N")[..12];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"benchmark result wrong: {what}");
        }
    }
}
