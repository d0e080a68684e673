using EeFunctions.Durable;

namespace EeFunctions.Durable.AzureStorage.TestWorker;

/// <summary>The orchestrations and options the test worker runs (the tests use the same definitions).</summary>
internal static class TestWorkerTasks
{
    /// <summary>Timings short enough for a kill test: a dead worker's partitions and messages come back within ~15 s.</summary>
    public static AzureStorageOrchestrationBackendOptions Options(string connectionString, string hub, int partitions) => new()
    {
        ConnectionString = connectionString,
        HubName = hub,
        PartitionCount = partitions,
        ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(6),
        WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(6),
        MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500),
        LeaseDuration = TimeSpan.FromSeconds(15),
        LeaseRenewInterval = TimeSpan.FromSeconds(5),
        LeaseAcquireInterval = TimeSpan.FromSeconds(1),
        PendingStartTimeout = TimeSpan.FromSeconds(20),
        SweepInterval = TimeSpan.FromSeconds(5),
    };

    /// <summary>"TenActivities": fans out to ten "Times10" activities on input n and returns the sum (n·10 + k for k = 0..9, times 10).</summary>
    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry
            .AddOrchestratorFunc<int, long>("TenActivities", async (context, n) =>
            {
                var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(k => context.CallActivityAsync<long>("Times10", (n * 10) + k)));
                return results.Sum();
            })
            .AddActivityFunc<int, long>("Times10", async (_, x) =>
            {
                await Task.Delay(20);
                return x * 10L;
            });
    }

    /// <summary>The expected output of "TenActivities" for input <paramref name="n"/>.</summary>
    public static long Expected(int n) => Enumerable.Range(0, 10).Sum(k => ((n * 10L) + k) * 10L);
}
