using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using DurableTask.AzureStorage;

namespace EeFunctions.DurableTask;

/// <summary>
/// Refuses a task hub DTFx would silently misuse: one written by the engine EeFunctions ran before DTFx (same resource
/// names, another format: an instance's status in a <c>!state</c> row of <c>{Hub}History</c>), and one created with
/// another partition count (DTFx would keep the recorded count and ignore the setting).
/// </summary>
public static class TaskHubCheck
{
    private const string LegacyStatusRowKey = "!state";

    /// <summary>Why the hub cannot be used as configured, or null when it can (or does not exist yet).</summary>
    public static async Task<string?> FindProblemAsync(AzureStorageOrchestrationServiceSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return await LegacyProblemAsync(settings, cancellationToken) ?? await PartitionProblemAsync(settings, cancellationToken);
    }

    private static async Task<string?> LegacyProblemAsync(AzureStorageOrchestrationServiceSettings settings, CancellationToken cancellationToken)
    {
        var hub = settings.TaskHubName;
        var history = settings.StorageAccountClientProvider!.Table.CreateClient(new TableClientOptions()).GetTableClient(hub + "History");
        try
        {
            await foreach (var _ in history.QueryAsync<TableEntity>($"RowKey eq '{LegacyStatusRowKey}'", maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken))
            {
                return $"the task hub '{hub}' was written by EeFunctions' former durable engine, which DTFx cannot read. " +
                    $"Use another extensions.durableTask.hubName, or delete its queues ({hub.ToLowerInvariant()}-*), tables ({hub}History, {hub}Instances) " +
                    $"and containers ({hub.ToLowerInvariant()}-*) to start it afresh (its instances are lost).";
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No history table yet: a new hub.
        }

        return null;
    }

    private static async Task<string?> PartitionProblemAsync(AzureStorageOrchestrationServiceSettings settings, CancellationToken cancellationToken)
    {
        var hub = settings.TaskHubName;
        var info = settings.StorageAccountClientProvider!.Blob.CreateClient(new BlobClientOptions())
            .GetBlobContainerClient(hub.ToLowerInvariant() + "-leases").GetBlobClient("taskhub.json");
        try
        {
            var content = (await info.DownloadContentAsync(cancellationToken)).Value.Content;
            using var doc = JsonDocument.Parse(content.ToMemory());
            if (doc.RootElement.TryGetProperty("PartitionCount", out var recorded) && recorded.TryGetInt32(out var count) && count != settings.PartitionCount)
            {
                return PartitionCountProblem(hub, count, settings.PartitionCount);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Not created yet, or created by the table partition manager, which records one row per partition instead.
            return await PartitionTableProblemAsync(settings, cancellationToken);
        }

        return null;
    }

    private static async Task<string?> PartitionTableProblemAsync(AzureStorageOrchestrationServiceSettings settings, CancellationToken cancellationToken)
    {
        var hub = settings.TaskHubName;
        var partitions = settings.StorageAccountClientProvider!.Table.CreateClient(new TableClientOptions()).GetTableClient(hub + "Partitions");
        var count = 0;
        try
        {
            await foreach (var _ in partitions.QueryAsync<TableEntity>(select: ["RowKey"], cancellationToken: cancellationToken))
            {
                count++;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }

        return count == 0 || count == settings.PartitionCount ? null : PartitionCountProblem(hub, count, settings.PartitionCount);
    }

    private static string PartitionCountProblem(string hub, int recorded, int configured) =>
        $"the task hub '{hub}' was created with {recorded} partitions, but partitionCount is {configured}. " +
        "The partition count of an existing hub cannot change: set it back, or use a new hubName.";
}
