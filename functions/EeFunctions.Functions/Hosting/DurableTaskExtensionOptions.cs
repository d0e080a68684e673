using System.ComponentModel.DataAnnotations;

namespace EeFunctions.Functions.Hosting;

/// <summary>host.json <c>extensions.durableTask</c>, with the Durable Functions defaults.</summary>
public sealed class DurableTaskExtensionOptions : IValidatableObject
{
    public const string SectionName = FunctionsConfiguration.HostSection + ":extensions:durableTask";

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

    /// <summary>The longest wait between polls of an idle queue (default 30 s).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxQueuePollingInterval < TimeSpan.FromMilliseconds(100) || MaxQueuePollingInterval > TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult("extensions.durableTask.maxQueuePollingInterval must be between 00:00:00.1 and 00:01:00.", [nameof(MaxQueuePollingInterval)]);
        }

        if (StorageProvider.Type is not (DurableStorageProviderOptions.AzureStorage or DurableStorageProviderOptions.InMemory))
        {
            yield return new ValidationResult($"extensions.durableTask.storageProvider.type must be '{DurableStorageProviderOptions.AzureStorage}' or '{DurableStorageProviderOptions.InMemory}'.", ["StorageProvider.Type"]);
        }

        if (StorageProvider.PartitionCount is < 1 or > 16)
        {
            yield return new ValidationResult("extensions.durableTask.storageProvider.partitionCount must be between 1 and 16.", ["StorageProvider.PartitionCount"]);
        }
    }
}

/// <summary>host.json <c>extensions.durableTask.storageProvider</c>.</summary>
public sealed class DurableStorageProviderOptions
{
    /// <summary>The task hub durable state lives in (Azure Storage on AzureWebJobsStorage).</summary>
    public const string AzureStorage = "AzureStorage";

    /// <summary>Everything in process memory: nothing survives a restart (for tests and throwaway runs).</summary>
    public const string InMemory = "InMemory";

    /// <summary><c>AzureStorage</c> (default) or <c>InMemory</c>.</summary>
    public string Type { get; set; } = AzureStorage;

    /// <summary>Control-queue partitions (1–16, default 4); fixed for the life of a task hub.</summary>
    public int PartitionCount { get; set; } = 4;
}
