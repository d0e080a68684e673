using Azure;
using Azure.Data.Tables;
using DurableTask.AzureStorage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using OrchestrationAlreadyExistsException = DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException;

namespace EeFunctions.DurableTask;

/// <summary>
/// Starts an orchestration at most once per instance id, whoever asks and however often. DTFx's own dedupe on Azure
/// Storage reads the instance and then writes it, so two racing starts can both pass; this inserts a row keyed by the
/// instance id conditionally first, and only the caller whose insert wins schedules. A caller that finds the row makes
/// sure the instance exists and schedules it when it does not (the winner crashed between its row and its schedule).
/// Every feature that dedupes a caller's request id starts through this. The client comes with each call: under Azure
/// Functions it is the invocation's bound <c>[DurableClient]</c>; in the self-host, the process's own.
/// </summary>
public sealed partial class OrchestrationStarter(AzureStorageOrchestrationServiceSettings settings, ILogger<OrchestrationStarter> logger)
{
    private static readonly string[] s_allStatuses = [.. Enum.GetNames<OrchestrationRuntimeStatus>()];

    // How long a fresh row's winner gets to schedule before another caller schedules in its place.
    private static readonly TimeSpan s_winnerGrace = TimeSpan.FromSeconds(10);

    private readonly TableClient _rows = settings.StorageAccountClientProvider!.Table.CreateClient(new TableClientOptions()).GetTableClient(settings.TaskHubName + "Starts");

    /// <summary>Starts <paramref name="instanceId"/> unless it was started before; true when this call scheduled it.</summary>
    public async Task<bool> StartOnceAsync(DurableTaskClient client, TaskName orchestratorName, string instanceId, object? input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        InstanceIds.Validate(instanceId);
        if (await TryInsertRowAsync(instanceId, cancellationToken))
        {
            return await ScheduleAsync(client, orchestratorName, instanceId, input, cancellationToken);
        }

        var deadline = DateTimeOffset.UtcNow + s_winnerGrace;
        while (await client.GetInstanceAsync(instanceId, cancellationToken) is null)
        {
            if (DateTimeOffset.UtcNow >= deadline)
            {
                LogRecoveringStart(logger, instanceId);
                return await ScheduleAsync(client, orchestratorName, instanceId, input, cancellationToken);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        return false;
    }

    private async Task<bool> TryInsertRowAsync(string instanceId, CancellationToken cancellationToken)
    {
        var row = new TableEntity(instanceId, string.Empty);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _rows.AddEntityAsync(row, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                return false;
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && attempt == 0)
            {
                await _rows.CreateIfNotExistsAsync(cancellationToken);
            }
        }
    }

    private static async Task<bool> ScheduleAsync(DurableTaskClient client, TaskName orchestratorName, string instanceId, object? input, CancellationToken cancellationToken)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, new StartOrchestrationOptions(instanceId) { DedupeStatuses = s_allStatuses }, cancellationToken);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Instance {InstanceId}: its start row exists but the instance does not; scheduling it now")]
    private static partial void LogRecoveringStart(ILogger logger, string instanceId);
}
