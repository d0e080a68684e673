using Azure;
using Azure.Storage.Blobs;
using EeFunctions.App.EarthEngine;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.BlobDrop;

/// <summary>
/// Creates the drop container and its results container at start when they are missing, in the background and
/// retried until storage answers (a host whose storage is down still starts and reports it through its health).
/// </summary>
public sealed partial class DropContainerSetup(BlobServiceClient blobs, IOptions<EarthEngineOptions> options, ILogger<DropContainerSetup> logger) : BackgroundService
{
    private static readonly TimeSpan s_maxDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await blobs.GetBlobContainerClient(options.Value.DropContainer).CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                await blobs.GetBlobContainerClient(options.Value.DropResultsContainer).CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException && !stoppingToken.IsCancellationRequested)
            {
                LogRetrying(logger, delay, ex.Message);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(s_maxDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Blob drops: cannot create the drop containers yet (retrying in {Delay}): {Reason}")]
    private static partial void LogRetrying(ILogger logger, TimeSpan delay, string reason);
}
