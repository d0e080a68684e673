using System.ComponentModel.DataAnnotations;

namespace EeFunctions.DurableTask;

/// <summary>
/// host.json <c>extensions.durableTask</c>, read at the paths and with the defaults of Durable Functions 2.x on Azure
/// Storage, so one host.json drives the self-host and the Functions host alike.
/// </summary>
public sealed class DurableTaskExtensionOptions : IValidatableObject
{
    /// <summary>Where the Functions host's own settings live in configuration (host.json flattened under this key).</summary>
    public const string HostSection = "AzureFunctionsJobHost";

    public const string SectionName = HostSection + ":extensions:durableTask";

    /// <summary>The task hub: names its queues, tables and containers (3–45 letters and digits, starting with a letter).</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,44}$", ErrorMessage = "extensions.durableTask.hubName must be 3-45 letters and digits, starting with a letter.")]
    public string HubName { get; set; } = "TestHubName";

    public DurableStorageProviderOptions StorageProvider { get; set; } = new();

    /// <summary>Activities run at once per worker (Durable Functions' default: 10 per core).</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentActivityFunctions { get; set; } = 10 * Environment.ProcessorCount;

    /// <summary>Orchestrator episodes run at once per worker (Durable Functions' default: 10 per core).</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentOrchestratorFunctions { get; set; } = 10 * Environment.ProcessorCount;

    /// <summary>Keeps an orchestration's state in memory between episodes, so its next episode does not replay history.</summary>
    public bool ExtendedSessionsEnabled { get; set; }

    /// <summary>How long an idle extended session stays in memory (default 30 s).</summary>
    [Range(1, 3600)]
    public int ExtendedSessionIdleTimeoutInSeconds { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var s = StorageProvider;
        if (s.MaxQueuePollingInterval < TimeSpan.FromMilliseconds(100) || s.MaxQueuePollingInterval > TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult("extensions.durableTask.storageProvider.maxQueuePollingInterval must be between 00:00:00.1 and 00:01:00.", ["StorageProvider.MaxQueuePollingInterval"]);
        }

        if (!string.Equals(s.Type, DurableStorageProviderOptions.AzureStorage, StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"extensions.durableTask.storageProvider.type must be '{DurableStorageProviderOptions.AzureStorage}': it is the only provider this service runs.", ["StorageProvider.Type"]);
        }

        if (s.PartitionCount is < 1 or > 16)
        {
            yield return new ValidationResult("extensions.durableTask.storageProvider.partitionCount must be between 1 and 16.", ["StorageProvider.PartitionCount"]);
        }

        if (s.ControlQueueBatchSize is < 1 or > 32)
        {
            yield return new ValidationResult("extensions.durableTask.storageProvider.controlQueueBatchSize must be between 1 and 32.", ["StorageProvider.ControlQueueBatchSize"]);
        }

        foreach (var (name, value) in new[] { ("controlQueueVisibilityTimeout", s.ControlQueueVisibilityTimeout), ("workItemQueueVisibilityTimeout", s.WorkItemQueueVisibilityTimeout) })
        {
            if (value < TimeSpan.FromSeconds(1) || value > TimeSpan.FromDays(7))
            {
                yield return new ValidationResult($"extensions.durableTask.storageProvider.{name} must be between 00:00:01 and 7.00:00:00.", ["StorageProvider." + name]);
            }
        }
    }
}

/// <summary>host.json <c>extensions.durableTask.storageProvider</c> (the Azure Storage provider's settings).</summary>
public sealed class DurableStorageProviderOptions
{
    /// <summary>The Azure Storage provider on <c>AzureWebJobsStorage</c>.</summary>
    public const string AzureStorage = "AzureStorage";

    /// <summary><c>AzureStorage</c>, the default and the only provider here.</summary>
    public string Type { get; set; } = AzureStorage;

    /// <summary>Control-queue partitions (1–16, default 4); fixed for the life of a task hub.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>The longest wait between polls of an idle queue (default 30 s).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Control-queue messages fetched at once (1–32, default 32).</summary>
    public int ControlQueueBatchSize { get; set; } = 32;

    /// <summary>How long a fetched control-queue message stays invisible to other workers (default 5 min).</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a fetched activity message stays invisible to other workers (default 5 min).</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Partition ownership in a table instead of blob leases (default true, as in Durable Functions 3.x): after a
    /// worker is killed, the blob-lease manager could leave its partition unowned while others ran.
    /// </summary>
    public bool UseTablePartitionManagement { get; set; } = true;
}
