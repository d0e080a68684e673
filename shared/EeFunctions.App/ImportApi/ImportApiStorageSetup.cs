using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.ImportApi;

/// <summary>
/// Creates the Import API's tables and container when they are missing. In the background, retried until storage
/// answers: a host whose storage is down still starts and reports it through its health endpoint.
/// </summary>
public sealed partial class ImportApiStorageSetup(TableServiceClient tables, ImportApiBlobs blobs, IOptions<ImportApiOptions> options, ILogger<ImportApiStorageSetup> logger) : BackgroundService
{
    private static readonly TimeSpan s_maxDelay = TimeSpan.FromSeconds(30);

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        foreach (var table in new[] { o.ClientsTable, o.ImportsTable, o.ImagesTable })
        {
            await tables.CreateTableIfNotExistsAsync(table, cancellationToken);
        }

        await blobs.Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

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
                LogRetrying(logger, delay, ex.Message);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(s_maxDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    [LoggerMessage(EventId = 902, Level = LogLevel.Warning, Message = "Import API storage: cannot create the tables and container yet (retrying in {Delay}): {Reason}")]
    private static partial void LogRetrying(ILogger logger, TimeSpan delay, string reason);
}
