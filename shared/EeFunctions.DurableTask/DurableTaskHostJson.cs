using Microsoft.Extensions.Configuration;

namespace EeFunctions.DurableTask;

/// <summary>
/// Which keys of host.json's <c>extensions.durableTask</c> this service reads. A Durable Functions key that it does not
/// honour is an error (the setting would silently do nothing); any other key is a warning, as the Functions host ignores it.
/// </summary>
public static class DurableTaskHostJson
{
    private static readonly HashSet<string> s_supported = new(StringComparer.OrdinalIgnoreCase)
    {
        "hubName", "storageProvider", "maxConcurrentActivityFunctions", "maxConcurrentOrchestratorFunctions",
        "extendedSessionsEnabled", "extendedSessionIdleTimeoutInSeconds",
    };

    private static readonly HashSet<string> s_supportedStorage = new(StringComparer.OrdinalIgnoreCase)
    {
        "type", "partitionCount", "maxQueuePollingInterval", "controlQueueBatchSize", "controlQueueVisibilityTimeout",
        "workItemQueueVisibilityTimeout", "useTablePartitionManagement",
    };

    // Durable Functions 2.x settings (host.json reference) that this service does not implement.
    private static readonly HashSet<string> s_knownUnsupported = new(StringComparer.OrdinalIgnoreCase)
    {
        "tracing", "notifications", "httpSettings", "maxConcurrentEntityFunctions", "localRpcEndpointEnabled", "useAppLease",
        "appLeaseOptions", "useGracefulShutdown", "maxEntityOperationBatchSize", "storeInputsInOrchestrationHistory",
        "entityMessageReorderWindowInMinutes", "overridableExistingInstanceStates", "customLifeCycleNotificationHelperType",
        "defaultAsyncRequestSleepTimeMilliseconds", "rollbackEntityOperationsOnExceptions", "typeNameHandling",
        "defaultVersion", "versionMatchStrategy", "versionFailureStrategy", "maxOrchestrationActions",
    };

    private static readonly HashSet<string> s_knownUnsupportedStorage = new(StringComparer.OrdinalIgnoreCase)
    {
        "connectionName", "connectionStringName", "controlQueueBufferThreshold", "trackingStoreConnectionName",
        "trackingStoreConnectionStringName", "trackingStoreNamePrefix", "useLegacyPartitionManagement",
        "fetchLargeMessagesAutomatically", "maxStorageOperationConcurrency", "useSeparateQueueForEntityWorkItems",
    };

    /// <summary>The errors and warnings of a <c>extensions.durableTask</c> section, each naming its key.</summary>
    public static (IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings) Check(IConfiguration durableTaskSection)
    {
        ArgumentNullException.ThrowIfNull(durableTaskSection);
        var errors = new List<string>();
        var warnings = new List<string>();
        foreach (var child in durableTaskSection.GetChildren())
        {
            Classify("extensions.durableTask." + child.Key, child.Key, s_supported, s_knownUnsupported, errors, warnings);
            if (string.Equals(child.Key, "maxQueuePollingInterval", StringComparison.OrdinalIgnoreCase))
            {
                warnings[^1] += " Durable Functions reads it under storageProvider: move it to extensions.durableTask.storageProvider.maxQueuePollingInterval.";
            }
        }

        foreach (var child in durableTaskSection.GetSection("storageProvider").GetChildren())
        {
            Classify("extensions.durableTask.storageProvider." + child.Key, child.Key, s_supportedStorage, s_knownUnsupportedStorage, errors, warnings);
        }

        return (errors, warnings);
    }

    private static void Classify(string path, string key, HashSet<string> supported, HashSet<string> knownUnsupported, List<string> errors, List<string> warnings)
    {
        if (supported.Contains(key))
        {
            return;
        }

        if (knownUnsupported.Contains(key))
        {
            errors.Add($"host.json {path} is a Durable Functions setting this service does not support; remove it.");
        }
        else
        {
            warnings.Add($"host.json {path} is not a Durable Functions setting and is ignored.");
        }
    }
}
