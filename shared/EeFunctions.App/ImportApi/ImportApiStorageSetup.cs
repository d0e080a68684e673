using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.ImportApi;

/// <summary>Creates the Import API's tables and container at start when they are missing.</summary>
public sealed class ImportApiStorageSetup(TableServiceClient tables, ImportApiBlobs blobs, IOptions<ImportApiOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        foreach (var table in new[] { o.ClientsTable, o.ImportsTable, o.ImagesTable })
        {
            await tables.CreateTableIfNotExistsAsync(table, cancellationToken);
        }

        await blobs.Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
