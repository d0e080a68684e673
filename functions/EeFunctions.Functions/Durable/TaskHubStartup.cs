using EeFunctions.Durable.AzureStorage;
using EeFunctions.Durable.Backend;

namespace EeFunctions.Functions.Durable;

/// <summary>
/// Creates the task hub (queues, tables, containers, taskhub.json) as the app starts, without holding the start up: the
/// service must come up even when storage is unreachable, so that health can say so (the backend keeps retrying). A task
/// hub that cannot be used as configured — taskhub.json records another partition count — stops the app with that error.
/// </summary>
internal sealed partial class TaskHubStartup(IOrchestrationBackend backend, IHostApplicationLifetime lifetime, ILogger<TaskHubStartup> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (backend is not AzureStorageOrchestrationBackend azure)
        {
            return;
        }

        try
        {
            await azure.EnsureCreatedAsync(stoppingToken);
            LogTaskHubReady(logger, azure.Options.HubName, azure.Options.PartitionCount);
        }
        catch (InvalidOperationException ex)
        {
            LogTaskHubUnusable(logger, azure.Options.HubName, ex.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
#pragma warning disable CA1031 // Unreachable storage must not stop the app: health reports it and the backend retries.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogTaskHubUnavailable(logger, azure.Options.HubName, ex.Message.Split('\n')[0]);
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "task hub {HubName}: ready with {PartitionCount} partitions")]
    private static partial void LogTaskHubReady(ILogger logger, string hubName, int partitionCount);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "task hub {HubName}: storage is not reachable yet ({Reason}); durable work waits for it")]
    private static partial void LogTaskHubUnavailable(ILogger logger, string hubName, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Critical, Message = "task hub {HubName} cannot be used: {Reason}")]
    private static partial void LogTaskHubUnusable(ILogger logger, string hubName, string reason);
}
