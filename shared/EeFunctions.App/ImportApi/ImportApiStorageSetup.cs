using Azure.Data.Tables;
using EeFunctions.App.Hosting;
using Microsoft.Extensions.Options;

namespace EeFunctions.App.ImportApi;

/// <summary>Creates the Import API's tables and container when they are missing.</summary>
public sealed class ImportApiStorageSetup(TableServiceClient tables, ImportApiBlobs blobs, IOptions<ImportApiOptions> options, ILogger<ImportApiStorageSetup> logger)
    : StorageSetupService(logger)
{
    protected override string What => "Import API tables and container";

    public override async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        foreach (var table in new[] { o.ClientsTable, o.ImportsTable, o.ImagesTable })
        {
            await tables.CreateTableIfNotExistsAsync(table, cancellationToken);
        }

        await blobs.Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }
}
