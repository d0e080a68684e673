using System.Globalization;
using Azure;
using Azure.Data.Tables;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Middleware;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EeFunctions.DurableTask;

/// <summary>
/// Bounds redelivery. DTFx's Azure Storage provider has no dequeue limit: a message whose processing kills the worker
/// (a native crash, an out-of-memory) comes back after its visibility timeout forever. A redelivery cannot arrive
/// before that timeout, so a message older than it is counted in <c>{Hub}Deliveries</c> (fresh messages, the normal
/// case, cost nothing), and past <see cref="DeliveryGuardOptions.MaxDeliveryCount"/> its activity fails, or its
/// orchestration fails, with a <see cref="PoisonErrorType"/> error instead of running again.
/// </summary>
public sealed partial class DeliveryGuard
{
    public const string PoisonErrorType = "PoisonMessage";

    private readonly AzureStorageOrchestrationServiceSettings _settings;
    private readonly int _maxDeliveries;
    private readonly TableClient _counts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DeliveryGuard(AzureStorageOrchestrationServiceSettings settings, IOptions<DeliveryGuardOptions> options, ILogger<DeliveryGuard> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        _settings = settings;
        _maxDeliveries = options.Value.MaxDeliveryCount;
        _counts = settings.StorageAccountClientProvider!.Table.CreateClient(new TableClientOptions()).GetTableClient(settings.TaskHubName + "Deliveries");
        _time = time ?? TimeProvider.System;
        _logger = logger;
    }

    /// <summary>Activity dispatcher middleware: a poisoned activity answers TaskFailed without running.</summary>
    public async Task GuardActivityAsync(DispatchMiddlewareContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var scheduled = context.GetProperty<TaskScheduledEvent>();
        var instance = context.GetProperty<OrchestrationInstance>();
        if (scheduled is not null && instance is not null && IsOld(scheduled.Timestamp, _settings.WorkItemQueueVisibilityTimeout))
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"a-{instance.ExecutionId}-{scheduled.EventId}");
            var deliveries = await CountAsync(instance.InstanceId, key);
            if (deliveries > _maxDeliveries)
            {
                var message = $"Activity '{scheduled.Name}' (task {scheduled.EventId}) was delivered {deliveries} times without finishing; it is failed instead of being run again.";
                LogPoisonActivity(_logger, instance.InstanceId, scheduled.Name ?? string.Empty, deliveries);
                context.SetProperty(new ActivityExecutionResult
                {
                    ResponseEvent = new TaskFailedEvent(-1, scheduled.EventId, message, null, new FailureDetails(PoisonErrorType, message, null, null, isNonRetriable: true)),
                });
                return;
            }
        }

        await next();
    }

    /// <summary>Orchestration dispatcher middleware: an episode redelivered too often fails its instance without running.</summary>
    public async Task GuardOrchestrationAsync(DispatchMiddlewareContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var workItem = context.GetProperty<TaskOrchestrationWorkItem>();
        if (workItem?.NewMessages is { Count: > 0 } messages)
        {
            var oldest = messages.MinBy(m => m.Event.Timestamp)!;
            if (IsOld(oldest.Event.Timestamp, _settings.ControlQueueVisibilityTimeout))
            {
                var key = string.Create(CultureInfo.InvariantCulture, $"o-{oldest.OrchestrationInstance?.ExecutionId}-{oldest.Event.EventType}-{oldest.Event.Timestamp.Ticks}");
                var deliveries = await CountAsync(workItem.InstanceId, key);
                if (deliveries > _maxDeliveries)
                {
                    var message = $"An episode of orchestration instance '{workItem.InstanceId}' ({oldest.Event.EventType}) was delivered {deliveries} times without finishing; the instance is failed instead of being run again.";
                    LogPoisonOrchestration(_logger, workItem.InstanceId, oldest.Event.EventType.ToString(), deliveries);
                    context.SetProperty(new OrchestratorExecutionResult
                    {
                        Actions =
                        [
                            new global::DurableTask.Core.Command.OrchestrationCompleteOrchestratorAction
                            {
                                OrchestrationStatus = OrchestrationStatus.Failed,
                                Result = message,
                                FailureDetails = new FailureDetails(PoisonErrorType, message, null, null, isNonRetriable: true),
                            },
                        ],
                    });
                    return;
                }
            }
        }

        await next();
    }

    private bool IsOld(DateTime timestamp, TimeSpan visibility) =>
        timestamp != default && _time.GetUtcNow().UtcDateTime - DateTime.SpecifyKind(timestamp, DateTimeKind.Utc) >= visibility;

    /// <summary>Adds one delivery to the message's count (compare-and-swap on the row's ETag) and returns the new count.</summary>
    private async Task<int> CountAsync(string instanceId, string key)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var existing = await _counts.GetEntityIfExistsAsync<TableEntity>(instanceId, key);
                if (!existing.HasValue || existing.Value is null)
                {
                    await _counts.AddEntityAsync(new TableEntity(instanceId, key) { ["Deliveries"] = 1 });
                    return 1;
                }

                var row = existing.Value;
                var count = (row.GetInt32("Deliveries") ?? 0) + 1;
                row["Deliveries"] = count;
                await _counts.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
                return count;
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && attempt < 5)
            {
                await _counts.CreateIfNotExistsAsync();
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 5)
            {
                // Another worker counted the same delivery race first: count again on its row.
            }
        }
    }

    [LoggerMessage(EventId = 330, Level = LogLevel.Error, Message = "Instance {InstanceId}: activity {Activity} delivered {Deliveries} times without finishing; failing it as a poison message")]
    private static partial void LogPoisonActivity(ILogger logger, string instanceId, string activity, int deliveries);

    [LoggerMessage(EventId = 331, Level = LogLevel.Error, Message = "Instance {InstanceId}: episode ({EventType}) delivered {Deliveries} times without finishing; failing the instance as a poison message")]
    private static partial void LogPoisonOrchestration(ILogger logger, string instanceId, string eventType, int deliveries);
}
