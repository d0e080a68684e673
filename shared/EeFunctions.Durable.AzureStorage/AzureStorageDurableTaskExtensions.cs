using System.Globalization;
using EeFunctions.Durable.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EeFunctions.Durable.AzureStorage;

/// <summary>Registration of the Azure Storage backend with the durable task services, and host.json binding of its options.</summary>
public static class AzureStorageDurableTaskExtensions
{
    /// <summary>Uses the Azure Storage backend (a singleton, disposed with the container: it hands its partitions back).</summary>
    public static DurableTaskBuilder UseAzureStorage(this DurableTaskBuilder builder, Action<AzureStorageOrchestrationBackendOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddSingleton(sp =>
        {
            var options = new AzureStorageOrchestrationBackendOptions();
            configure(options);
            options.Validate();
            return new AzureStorageOrchestrationBackend(options, sp.GetService<TimeProvider>(), sp.GetService<ILoggerFactory>());
        });
        return builder.UseBackend(sp => sp.GetRequiredService<AzureStorageOrchestrationBackend>());
    }

    /// <summary>
    /// Reads host.json's <c>extensions:durableTask</c> section into <paramref name="options"/>: <c>hubName</c> and, under
    /// <c>storageProvider</c>, <c>partitionCount</c>, <c>controlQueueBatchSize</c>, <c>controlQueueBufferThreshold</c>,
    /// <c>controlQueueVisibilityTimeout</c>, <c>workItemQueueVisibilityTimeout</c>, <c>maxQueuePollingInterval</c> (TimeSpan
    /// strings as in Durable Functions) and our <c>maxDequeueCount</c>. Absent settings keep their defaults.
    /// </summary>
    public static AzureStorageOrchestrationBackendOptions BindDurableTaskSection(this AzureStorageOrchestrationBackendOptions options, IConfiguration durableTask)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(durableTask);
        if (durableTask["hubName"] is { Length: > 0 } hub)
        {
            options.HubName = hub;
        }

        var provider = durableTask.GetSection("storageProvider");
        options.PartitionCount = Int(provider["partitionCount"]) ?? options.PartitionCount;
        options.ControlQueueBatchSize = Int(provider["controlQueueBatchSize"]) ?? options.ControlQueueBatchSize;
        options.ControlQueueBufferThreshold = Int(provider["controlQueueBufferThreshold"]) ?? options.ControlQueueBufferThreshold;
        options.MaxDequeueCount = Int(provider["maxDequeueCount"]) ?? options.MaxDequeueCount;
        options.ControlQueueVisibilityTimeout = Time(provider["controlQueueVisibilityTimeout"]) ?? options.ControlQueueVisibilityTimeout;
        options.WorkItemQueueVisibilityTimeout = Time(provider["workItemQueueVisibilityTimeout"]) ?? options.WorkItemQueueVisibilityTimeout;
        options.MaxQueuePollingInterval = Time(provider["maxQueuePollingInterval"]) ?? options.MaxQueuePollingInterval;
        return options;
    }

    private static int? Int(string? value) => value is null ? null : int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static TimeSpan? Time(string? value) => value is null ? null : TimeSpan.Parse(value, CultureInfo.InvariantCulture);
}
