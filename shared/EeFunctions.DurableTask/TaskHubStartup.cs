using DurableTask.AzureStorage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EeFunctions.DurableTask;

/// <summary>
/// Creates the task hub (queues, tables, containers) as the app starts, without holding the start up: the service must
/// come up even when storage is unreachable, so that health can say so, and it keeps trying. A hub written by the engine
/// EeFunctions had before DTFx is refused, since DTFx cannot read it. The worker waits for this before it dispatches.
/// </summary>
public sealed partial class TaskHubStartup(
    AzureStorageOrchestrationService service,
    AzureStorageOrchestrationServiceSettings settings,
    IHostApplicationLifetime lifetime,
    ILogger<TaskHubStartup> logger) : BackgroundService
{
    private readonly TaskCompletionSource<bool> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once the hub exists; false when the app stops first or the hub cannot be used.</summary>
    public async Task<bool> WaitUntilReadyAsync(CancellationToken cancellationToken) => await _ready.Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        try
        {
            while (true)
            {
                try
                {
                    if (await TaskHubCheck.FindProblemAsync(settings, stoppingToken) is { } problem)
                    {
                        LogTaskHubUnusable(logger, settings.TaskHubName, problem);
                        Environment.ExitCode = 1;
                        _ready.TrySetResult(false);
                        lifetime.StopApplication();
                        return;
                    }

                    await service.CreateIfNotExistsAsync();
                    LogTaskHubReady(logger, settings.TaskHubName, settings.PartitionCount, settings.WorkerId);
                    _ready.TrySetResult(true);
                    return;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // Unreachable storage must not stop the app: health reports it, and this keeps trying.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogTaskHubUnavailable(logger, settings.TaskHubName, ex.Message.Split('\n')[0]);
                    await Task.Delay(delay, stoppingToken);
                    delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _ready.TrySetResult(false);
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "task hub {HubName}: ready with {PartitionCount} partitions (worker {WorkerId})")]
    private static partial void LogTaskHubReady(ILogger logger, string hubName, int partitionCount, string workerId);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "task hub {HubName}: storage is not reachable yet ({Reason}); durable work waits for it")]
    private static partial void LogTaskHubUnavailable(ILogger logger, string hubName, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Critical, Message = "task hub {HubName} cannot be used: {Reason}")]
    private static partial void LogTaskHubUnusable(ILogger logger, string hubName, string reason);
}
