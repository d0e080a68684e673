using EeFunctions.Testing;

namespace EeFunctions.Durable.AzureStorage.Tests;

/// <summary>Backends on the shared Azurite, each on a fresh task hub, with timings short enough for tests.</summary>
internal static class TestBackends
{
    public static string NewHubName() => "t" + Guid.NewGuid().ToString("N")[..16];

    public static AzureStorageOrchestrationBackendOptions FastOptions(string connectionString, string? hubName = null) => new()
    {
        ConnectionString = connectionString,
        HubName = hubName ?? NewHubName(),
        PartitionCount = 2,
        ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(6),
        WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(4),
        MaxActivityLockRenewal = TimeSpan.FromMinutes(5),
        MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200),
        MaxMessageVisibilityDelay = TimeSpan.FromSeconds(1),
        LeaseDuration = TimeSpan.FromSeconds(15),
        LeaseRenewInterval = TimeSpan.FromSeconds(4),
        LeaseAcquireInterval = TimeSpan.FromSeconds(1),
        PendingStartTimeout = TimeSpan.FromSeconds(30),
        SweepInterval = TimeSpan.FromSeconds(2),
        DeferralDelay = TimeSpan.FromMilliseconds(500),
    };

    public static async Task<string> ConnectionStringAsync() => (await SharedAzurite.GetAsync()).ConnectionString;
}
