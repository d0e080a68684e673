using System.Globalization;
using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging;

namespace EeFunctions.DurableTask;

/// <summary>DTFx's Azure Storage provider configured from host.json's <c>extensions.durableTask</c>.</summary>
public static class AzureStorageTaskHub
{
    /// <summary>
    /// A worker identity unique to this process. DTFx defaults to the machine name, and processes that share it share
    /// partition ownership too: the table partition manager then leaves control queues undrained.
    /// </summary>
    public static string NewWorkerId() =>
        string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}");

    public static AzureStorageOrchestrationServiceSettings Settings(DurableTaskExtensionOptions options, StorageAccountClientProvider storage, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var provider = options.StorageProvider;
        return new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.HubName,
            StorageAccountClientProvider = storage,
            LoggerFactory = loggerFactory,
            WorkerId = NewWorkerId(),
            PartitionCount = provider.PartitionCount,
            MaxQueuePollingInterval = provider.MaxQueuePollingInterval,
            ControlQueueBatchSize = provider.ControlQueueBatchSize,
            ControlQueueVisibilityTimeout = provider.ControlQueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = provider.WorkItemQueueVisibilityTimeout,
            UseTablePartitionManagement = provider.UseTablePartitionManagement,
            // The table partition manager's default 2 s per partition-table call is exceeded on a loaded Azurite, and
            // each overrun retries and churns ownership: the 3-worker slot run took 318 s at 2 s and 312 s at 10 s,
            // 77 s at 30 s (blob leases: 59 s, but a killed worker's partition could stay unowned).
            PartitionTableOperationTimeout = TimeSpan.FromSeconds(30),
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivityFunctions,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestratorFunctions,
            ExtendedSessionsEnabled = options.ExtendedSessionsEnabled,
            ExtendedSessionIdleTimeout = TimeSpan.FromSeconds(options.ExtendedSessionIdleTimeoutInSeconds),

            // The Instances row is written under its ETag, so a stale writer cannot leave it Running after the history completed.
            UseInstanceTableEtag = true,

            // A start that dedupes is an error the caller sees (as under Durable Functions), not a silent no-op.
            ThrowExceptionOnInvalidDedupeStatus = true,
        };
    }
}
