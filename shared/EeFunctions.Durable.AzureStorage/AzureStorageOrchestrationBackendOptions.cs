using System.Text.RegularExpressions;
using Azure.Core.Pipeline;

namespace EeFunctions.Durable.AzureStorage;

/// <summary>
/// Options of the <see cref="AzureStorageOrchestrationBackend"/> (host.json <c>extensions.durableTask</c>: <c>hubName</c>,
/// <c>storageProvider.partitionCount</c>, <c>storageProvider.maxQueuePollingInterval</c>, ...). Every timing is configurable so
/// tests of leases, visibility and the sweeper run in seconds.
/// </summary>
public sealed partial class AzureStorageOrchestrationBackendOptions
{
    /// <summary>The storage connection string (required).</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The task hub name: 3–45 letters and digits, starting with a letter.</summary>
    public string HubName { get; set; } = "TestHubName";

    /// <summary>Control queues (partitions), 1–16; default 4. Fixed for the life of a hub (recorded in <c>taskhub.json</c>).</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Control messages fetched per receive (1–32).</summary>
    public int ControlQueueBatchSize { get; set; } = 32;

    /// <summary>Buffered control messages per partition above which polling pauses.</summary>
    public int ControlQueueBufferThreshold { get; set; } = 256;

    /// <summary>How long a received control message stays hidden; renewed while it is held. Default 5 minutes.</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a received activity message stays hidden; renewed while the activity runs. Default 5 minutes.</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long (by the engine clock) a running activity's lock keeps being renewed; past it the activity is presumed stuck and
    /// is redelivered. Default 1 hour.
    /// </summary>
    public TimeSpan MaxActivityLockRenewal { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest polling pause of an idle queue (<c>maxQueuePollingInterval</c>); default 30 s. Local enqueues reset it.</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Shortest polling pause; default 10 ms.</summary>
    public TimeSpan MinQueuePollingInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Longest visibility delay of one queue message (Azure's limit is 7 days). Timers and scheduled starts further away are
    /// re-armed in hops of at most this length; tests shorten it to run durable timers on a virtual clock.
    /// </summary>
    public TimeSpan MaxMessageVisibilityDelay { get; set; } = TimeSpan.FromDays(6);

    /// <summary>Dequeues after which a message is poison: the activity or the instance fails with a clear error. Default 10.</summary>
    public int MaxDequeueCount { get; set; } = 10;

    /// <summary>Blob lease duration of a partition, 15–60 s (the blob service limits); default 30 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often owned leases are renewed; default 10 s. Must be well under <see cref="LeaseDuration"/>.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the worker heartbeats and rebalances partitions; default 10 s.</summary>
    public TimeSpan LeaseAcquireInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an instance may stay Pending without history before the sweeper re-sends its start message. Default 1 minute.</summary>
    public TimeSpan PendingStartTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a non-terminal instance's index row is checked against its status row. Default 5 minutes.</summary>
    public TimeSpan IndexReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the sweeper runs over each owned partition; default 15 s.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an early-arriving message waits before it is offered to the orchestration again; default 1 s.</summary>
    public TimeSpan DeferralDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Instances whose state and history the owning worker keeps in memory.</summary>
    public int MaxCachedInstances { get; set; } = 10_000;

    /// <summary>Parallel storage requests of one checkpoint or batch of deletes.</summary>
    public int MaxStorageOperationConcurrency { get; set; } = 16;

    /// <summary>Extra Azure.Core pipeline policies for every storage client (e.g. a request counter).</summary>
    public IList<HttpPipelinePolicy> PipelinePolicies { get; } = [];

    /// <summary>This worker's id in leases and heartbeats; default machine name, process id and a random suffix.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("A storage connection string is required.", nameof(ConnectionString));
        }

        if (HubName is null || !HubNamePattern().IsMatch(HubName))
        {
            throw new ArgumentException($"The task hub name '{HubName}' is invalid: use 3–45 letters and digits, starting with a letter.", nameof(HubName));
        }

        Require(PartitionCount is >= 1 and <= 16, nameof(PartitionCount), "must be between 1 and 16");
        Require(ControlQueueBatchSize is >= 1 and <= 32, nameof(ControlQueueBatchSize), "must be between 1 and 32");
        Require(ControlQueueBufferThreshold >= 1, nameof(ControlQueueBufferThreshold), "must be positive");
        Require(ControlQueueVisibilityTimeout >= TimeSpan.FromSeconds(2), nameof(ControlQueueVisibilityTimeout), "must be at least 2 s");
        Require(WorkItemQueueVisibilityTimeout >= TimeSpan.FromSeconds(2), nameof(WorkItemQueueVisibilityTimeout), "must be at least 2 s");
        Require(MaxActivityLockRenewal > TimeSpan.Zero, nameof(MaxActivityLockRenewal), "must be positive");
        Require(MinQueuePollingInterval > TimeSpan.Zero && MaxQueuePollingInterval >= MinQueuePollingInterval, nameof(MaxQueuePollingInterval), "must be positive and at least the minimum");
        Require(MaxMessageVisibilityDelay >= TimeSpan.FromSeconds(1) && MaxMessageVisibilityDelay <= TimeSpan.FromDays(7), nameof(MaxMessageVisibilityDelay), "must be between 1 s and 7 days");
        Require(MaxDequeueCount >= 1, nameof(MaxDequeueCount), "must be at least 1");
        Require(LeaseDuration >= TimeSpan.FromSeconds(15) && LeaseDuration <= TimeSpan.FromSeconds(60), nameof(LeaseDuration), "must be between 15 and 60 s");
        Require(LeaseRenewInterval > TimeSpan.Zero && LeaseRenewInterval * 2 <= LeaseDuration, nameof(LeaseRenewInterval), "must be positive and at most half the lease duration");
        Require(LeaseAcquireInterval > TimeSpan.Zero, nameof(LeaseAcquireInterval), "must be positive");
        Require(PendingStartTimeout > TimeSpan.Zero, nameof(PendingStartTimeout), "must be positive");
        Require(IndexReconcileInterval > TimeSpan.Zero, nameof(IndexReconcileInterval), "must be positive");
        Require(SweepInterval > TimeSpan.Zero, nameof(SweepInterval), "must be positive");
        Require(DeferralDelay >= TimeSpan.Zero, nameof(DeferralDelay), "must not be negative");
        Require(MaxCachedInstances >= 0, nameof(MaxCachedInstances), "must not be negative");
        Require(MaxStorageOperationConcurrency >= 1, nameof(MaxStorageOperationConcurrency), "must be at least 1");
        Require(!string.IsNullOrWhiteSpace(WorkerId), nameof(WorkerId), "must not be empty");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"The option {name} {rule}.", name);
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,44}$")]
    private static partial Regex HubNamePattern();
}
