using Azure;

namespace EeFunctions.App.Hosting;

/// <summary>
/// Creates a feature's storage (tables, containers) when the host starts: in the background and retried until storage
/// answers, so a host whose storage is down still starts and reports it through its health endpoint.
/// </summary>
public abstract partial class StorageSetupService(ILogger logger) : BackgroundService
{
    private static readonly TimeSpan s_maxDelay = TimeSpan.FromSeconds(30);

    /// <summary>What the feature needs; each step must be idempotent (create if missing).</summary>
    public abstract Task EnsureAsync(CancellationToken cancellationToken);

    /// <summary>What the log calls this storage.</summary>
    protected abstract string What { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await EnsureAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException && !stoppingToken.IsCancellationRequested)
            {
                LogRetrying(logger, What, delay, ex.Message);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(s_maxDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "{What}: cannot be created yet (retrying in {Delay}): {Reason}")]
    private static partial void LogRetrying(ILogger logger, string what, TimeSpan delay, string reason);
}
